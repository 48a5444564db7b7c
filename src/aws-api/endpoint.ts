import type { IncomingMessage } from "node:http";

/**
 * Which AWS service a request to the control-plane endpoint (`--endpoint-url http://localhost:4480`)
 * is for: the SigV4 credential scope names it (`Credential=AKID/20261201/us-east-1/cloudfront/aws4_request`,
 * in the Authorization header or a presigned URL's X-Amz-Credential). Never a guess from the
 * path: a request is not allowed to fall into another service's handler (issue 11). Unsigned
 * requests are anonymous S3 requests, as an unsigned `curl http://localhost:4480/bucket/key` is.
 */
export function signingService(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(auth);
    if (m) return m[1]!;
  }
  const url = req.url ?? "";
  const q = url.indexOf("?");
  if (q !== -1 && url.includes("X-Amz-Credential", q)) {
    const cred = new URLSearchParams(url.slice(q + 1)).get("X-Amz-Credential");
    const parts = cred?.split("/");
    if (parts && parts.length === 5 && parts[4] === "aws4_request") return parts[3]!;
  }
  return "s3";
}
