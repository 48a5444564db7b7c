import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { runCli } from "../../support/cli.js";

const TEMPLATE_DIR = fileURLToPath(new URL("../../fixtures/stacks/cfn-spa/", import.meta.url));

/** `--parameter Key=Value` overrides a CloudFormation template's parameters (User Guide, "Parameters"). */
describe("cli: --parameter for CloudFormation templates (issue 12)", () => {
  it("validate accepts an allowed value and refuses one outside AllowedValues with the parameter named", async () => {
    const ok = await runCli(["validate", "--config", TEMPLATE_DIR, "--parameter", "Env=prod"]);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await runCli(["validate", "--config", TEMPLATE_DIR, "--parameter", "Env=staging"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Env/);
    assert.match(bad.stderr, /staging/);
  });

  it("a --parameter without '=' is a usage error (exit 2)", async () => {
    const r = await runCli(["validate", "--config", TEMPLATE_DIR, "--parameter", "Env"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--parameter takes Key=Value/);
  });
});
