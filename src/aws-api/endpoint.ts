import type { IncomingMessage } from "node:http";

/**
 * Which AWS service a request to the control-plane endpoint (`--endpoint-url http://localhost:4480`)
 * is for: the SigV4 credential scope names it (`Credential=AKID/20261201/us-east-1/cloudfront/aws4_request`,
 * in the Authorization header or a presigned URL's X-Amz-Credential). Never a guess from the
 * path: a request is not allowed to fall into another service's handler (issue 11). Unsigned
 * requests are anonymous S3 requests, as an unsigned `curl http://localhost:4480/bucket/key` is.
 * A SigV4A scope has no region (`Credential=AKID/20261201/cloudfront-keyvaluestore/aws4_request`,
 * signed `AWS4-ECDSA-P256-SHA256`); the service is still the segment before `aws4_request`.
 */
export function signingService(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /Credential=[^/,\s]+\/\d{8}\/(?:[^/,\s]+\/)?([^/,\s]+)\/aws4_request/.exec(auth);
    if (m) return m[1]!;
  }
  const url = req.url ?? "";
  const q = url.indexOf("?");
  if (q !== -1 && url.includes("X-Amz-Credential", q)) {
    const cred = new URLSearchParams(url.slice(q + 1)).get("X-Amz-Credential");
    const parts = cred?.split("/");
    if (parts && (parts.length === 5 || parts.length === 4) && parts[parts.length - 1] === "aws4_request") return parts[parts.length - 2]!;
  }
  return "s3";
}

/**
 * Host names the control plane answers besides `localhost` / `127.0.0.1`: an account id in front
 * of them (`000000000000.localhost`). The CloudFront KeyValueStore SDK's endpoint rule puts the
 * store ARN's account id before the custom endpoint's authority, so `endpoint:
 * http://localhost:4480` becomes `http://000000000000.localhost:4480/key-value-stores/…`.
 */
const ACCOUNT_ENDPOINT_HOST = /^\d{12}\.(?:localhost|127\.0\.0\.1)$/;

export function isAccountEndpointHost(host: string): boolean {
  return ACCOUNT_ENDPOINT_HOST.test(host);
}
