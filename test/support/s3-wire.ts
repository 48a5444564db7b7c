import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect as http2Connect, type ClientHttp2Session } from "node:http2";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../src/core/sha256.js";
import type { EdgeparityStack } from "../../src/index.js";

/**
 * S3 requests on the wire, on HTTP/1.1 (the HTTP port) or HTTP/2 (the HTTPS port, ALPN h2), signed
 * with SigV4 (test/test, us-east-1) or sent anonymously, for tests that need exact bytes (sub-resources
 * the SDK has no command for, raw UTF-8 headers) on both protocol versions.
 */
export type WireProtocol = "HTTP/1.1" | "HTTP/2";
export const WIRE_PROTOCOLS: readonly WireProtocol[] = ["HTTP/1.1", "HTTP/2"];

export interface WireRequest {
  method: string;
  /** Virtual-hosted bucket host or `s3.localhost` (path style). */
  host: string;
  /** Path and query, percent-encoded as sent. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Default true. */
  sign?: boolean;
  /**
   * HTTP/2 only: also send a `host` header equal to :authority (RFC 9113 §8.3.1 allows it). Default
   * true; tests of the gateway's :authority → host normalisation turn it off.
   */
  h2HostHeader?: boolean;
  /** Send the body without content-length: HTTP/1.1 chunked, HTTP/2 bare DATA frames (RFC 9113 §8.1). */
  chunked?: boolean;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

const signer = new SignatureV4({
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  region: "us-east-1",
  service: "s3",
  sha256: Sha256,
  uriEscapePath: false,
  applyChecksum: false,
});

/** SigV4 headers for a request (header auth, payload hash of the body). */
export async function signHeaders(r: WireRequest): Promise<Record<string, string>> {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const qi = r.path.indexOf("?");
  const path = qi === -1 ? r.path : r.path.slice(0, qi);
  const query: Record<string, string | string[]> = {};
  if (qi !== -1)
    for (const part of r.path.slice(qi + 1).split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const name = decodeURIComponent(eq === -1 ? part : part.slice(0, eq));
      const value = eq === -1 ? "" : decodeURIComponent(part.slice(eq + 1));
      const prev = query[name];
      query[name] = prev === undefined ? value : ([] as string[]).concat(prev, value);
    }
  const headers: Record<string, string> = { host: r.host, "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"), ...r.headers };
  const signed = await signer.sign({ method: r.method, protocol: "http:", hostname: r.host, path, query, headers, body });
  return signed.headers as Record<string, string>;
}

export async function sendWire(stack: EdgeparityStack, protocol: WireProtocol, r: WireRequest, session?: ClientHttp2Session): Promise<WireResponse> {
  const headers = r.sign === false ? { host: r.host, ...r.headers } : await signHeaders(r);
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  if (body !== undefined && !r.chunked) headers["content-length"] = String(body.length);
  if (body !== undefined && r.chunked && protocol === "HTTP/1.1") headers["transfer-encoding"] = "chunked";
  return protocol === "HTTP/1.1" ? sendH1(stack, r, headers, body) : sendH2(stack, r, headers, body, session);
}

function sendH1(stack: EdgeparityStack, r: WireRequest, headers: Record<string, string>, body: Buffer | undefined): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: stack.httpPort, method: r.method, path: r.path, headers, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("HTTP/1.1 request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/** An HTTP/2 session to the gateway's HTTPS port for `host` (trusting the stack's CA); the caller closes it. */
export function openH2(stack: EdgeparityStack, host: string): ClientHttp2Session {
  return http2Connect(`https://${host}:${stack.httpsPort}`, { ca: stack.caPem, host: "127.0.0.1", servername: host });
}

async function sendH2(
  stack: EdgeparityStack,
  r: WireRequest,
  headers: Record<string, string>,
  body: Buffer | undefined,
  given: ClientHttp2Session | undefined,
): Promise<WireResponse> {
  const session = given ?? openH2(stack, r.host);
  try {
    const { host, ...rest } = headers;
    const h2Headers: Record<string, string> = { ":method": r.method, ":path": r.path, ":authority": r.host, ...rest };
    if (r.h2HostHeader !== false) h2Headers["host"] = host ?? r.host;
    return await new Promise<WireResponse>((resolve, reject) => {
      const req = session.request(h2Headers, { endStream: body === undefined && (r.method === "GET" || r.method === "HEAD" || r.method === "DELETE") });
      req.setTimeout(20_000, () => req.close());
      const chunks: Buffer[] = [];
      let status = 0;
      let resHeaders: Record<string, string | string[] | undefined> = {};
      req.on("response", (h) => {
        status = Number(h[":status"]);
        resHeaders = h as Record<string, string | string[] | undefined>;
      });
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const b = Buffer.concat(chunks);
        resolve({ status, headers: resHeaders, body: b, text: b.toString("utf8") });
      });
      req.on("error", reject);
      if (body !== undefined) req.end(body);
      else if (!(r.method === "GET" || r.method === "HEAD" || r.method === "DELETE")) req.end();
    });
  } finally {
    if (!given) session.close();
  }
}

/** The `<Code>` of an S3 XML error body, or undefined. */
export function errorCode(res: WireResponse): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(res.text)?.[1];
}
