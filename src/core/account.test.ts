import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { LOCAL_ACCOUNT_ID } from "./account.js";

describe("account", () => {
  it("account: the demo's and the fixtures' bucket policies name the local account in aws:SourceArn (cloudfront.md §10.4, s3.md §8)", async () => {
    assert.match(LOCAL_ACCOUNT_ID, /^\d{12}$/);
    for (const file of ["demo/stack.yaml", "test/fixtures/stacks/e2e-edge/stack.yaml"]) {
      const text = await readFile(new URL(`../../${file}`, import.meta.url), "utf8");
      const accounts = [...text.matchAll(/arn:aws:cloudfront::(\d{12}):distribution\//g)].map((m) => m[1]);
      assert.ok(accounts.length > 0, file);
      for (const a of accounts) assert.equal(a, LOCAL_ACCOUNT_ID, file);
    }
  });
});
