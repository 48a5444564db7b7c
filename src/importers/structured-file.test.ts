import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseQuietly, parseStructuredText } from "./structured-file.js";

// Not an AWS behaviour: the stack file reader (issue 14: cold start takes JSON through JSON.parse).
describe("structured-file", () => {
  const json = JSON.stringify(
    { distributions: { a: { Origins: { Items: [{ Id: "o", DomainName: "x.example.com" }] }, Comment: 'q"\\u00e9' } }, n: [1, 2.5, -0, 1e3, true, null] },
    null,
    2,
  );

  it("structured-file: a JSON stack reads to the value YAML reads, and still locates a field path by line and column", () => {
    const f = parseStructuredText(json, "stack.json");
    assert.deepEqual(f.value, parse(json));
    const line = json.split("\n").findIndex((l) => l.includes('"Comment"')) + 1;
    assert.deepEqual(f.locate(["distributions", "a", "Comment"]), { file: "stack.json", line, column: 7 });
  });

  it("structured-file: a JSON key given twice in one object is refused as in YAML (uniqueKeys), at its line", () => {
    const text = '{\n  "a": { "k": 1, "j": [{ "k": 2 }], "\\u006b": 3 }\n}';
    assert.throws(
      () => parseStructuredText(text, "stack.json"),
      (e: Error) => /stack\.json \(line 2, column \d+\): not valid YAML or JSON: Map keys must be unique/.test(e.message),
    );
    // The same key in sibling objects, or in an object inside a list, is no duplicate.
    assert.deepEqual(parseStructuredText('{"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 1}, {"k": 1}]}', "s.json").value, {
      a: { k: 1 },
      b: { k: 2 },
      c: [{ k: 1 }, { k: 1 }],
    });
  });

  it("structured-file: JSON that JSON.parse refuses is read as YAML: its value as before, or where it broke", () => {
    assert.deepEqual(parseStructuredText('{"a": 1,\n "b": }', "stack.json").value, { a: 1, b: null });
    assert.throws(
      () => parseStructuredText('{"a": 1,\n "b": [1, 2}', "stack.json"),
      (e: Error) => /stack\.json \(line 2, column \d+\): not valid YAML or JSON/.test(e.message),
    );
  });

  it("structured-file: detect()'s quiet parse and the read of the same YAML text agree", () => {
    const text = "distributions:\n  a:\n    Comment: hi\n";
    assert.deepEqual(parseQuietly("stack.yaml", Buffer.from(text)), { distributions: { a: { Comment: "hi" } } });
    const f = parseStructuredText(text, "stack.yaml");
    assert.deepEqual(f.value, { distributions: { a: { Comment: "hi" } } });
    assert.deepEqual(f.locate(["distributions", "a", "Comment"]), { file: "stack.yaml", line: 3, column: 5 });
  });
});
