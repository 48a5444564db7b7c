import assert from "node:assert/strict";

/** The AWS SDK v3 error a call fails with — its name (the error code), HTTP status and message; fails the test when the call succeeds. */
export async function sdkFailure(p: Promise<unknown>): Promise<{ name: string; status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode ?? 0, message: err.message };
  }
  assert.fail("the call succeeded");
}
