import { request as httpRequest } from "node:http";
import { connect as http2Connect, constants as h2 } from "node:http2";

/**
 * One request as a viewer, over HTTP/1.1 (the HTTP port) or HTTP/2 (the HTTPS port, ALPN h2), so a
 * test runs the same case on both versions. `chunked`: HTTP/1.1 sends Transfer-Encoding: chunked;
 * HTTP/2 sends DATA frames without content-length. Every request ends by itself (timeoutMs).
 */
export type ViewerVersion = "1.1" | "2";
export const VIEWER_VERSIONS: readonly ViewerVersion[] = ["1.1", "2"];

export interface ViewerTarget {
  httpPort: number;
  httpsPort: number;
  caPem: string;
}

export interface ViewerRequest {
  method?: string;
  /** An array sends the header once per value (separate lines / fields). */
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  chunked?: boolean;
  timeoutMs?: number;
}

export interface ViewerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

export function send(stack: ViewerTarget, version: ViewerVersion, host: string, path: string, r: ViewerRequest = {}): Promise<ViewerResponse> {
  return version === "2" ? sendH2(stack, host, path, r) : sendH1(stack, host, path, r);
}

function sendH1(stack: ViewerTarget, host: string, path: string, r: ViewerRequest): Promise<ViewerResponse> {
  const started = performance.now();
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  const headers: Record<string, string | string[]> = { host: `${host}:${stack.httpPort}`, ...r.headers };
  if (body !== undefined && !r.chunked && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: stack.httpPort, method: r.method ?? "GET", path, headers, agent: false });
    req.setTimeout(r.timeoutMs ?? 15_000, () => req.destroy(new Error("viewer request timed out")));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function sendH2(stack: ViewerTarget, host: string, path: string, r: ViewerRequest): Promise<ViewerResponse> {
  const started = performance.now();
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  return new Promise((resolve, reject) => {
    const session = http2Connect(`https://127.0.0.1:${stack.httpsPort}`, { ca: stack.caPem, servername: host });
    const fail = (e: Error) => {
      session.destroy();
      reject(e);
    };
    session.on("error", fail);
    const headers: Record<string, string | string[]> = {
      ":method": r.method ?? "GET",
      ":path": path,
      ":authority": `${host}:${stack.httpsPort}`,
      ...r.headers,
    };
    if (body !== undefined && !r.chunked && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
    const req = session.request(headers, { endStream: body === undefined });
    req.setTimeout(r.timeoutMs ?? 15_000, () => req.close(h2.NGHTTP2_CANCEL));
    let status = 0;
    let resHeaders: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    req.on("response", (h) => {
      status = Number(h[":status"]);
      resHeaders = h as typeof resHeaders;
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", fail);
    req.on("close", () => {
      session.close();
      if (status === 0) reject(new Error(`HTTP/2 stream closed without a response (code ${req.rstCode})`));
      else resolve({ status, headers: resHeaders, body: Buffer.concat(chunks), ms: performance.now() - started });
    });
    if (body !== undefined) req.end(body);
  });
}

/**
 * A POST that announces `announced` bytes and sends only `sent`, then waits: for tests of viewers
 * that stall or break off their body. `status` resolves with the answer's status, or -1 after
 * `waitMs`; `endEarly()` ends the stream short (HTTP/2: END_STREAM, a length mismatch); `abort()`
 * drops the connection.
 */
export function openPartialUpload(
  stack: ViewerTarget,
  version: ViewerVersion,
  host: string,
  path: string,
  announced: number,
  sent: number,
  waitMs = 5000,
): { status: Promise<number>; endEarly(): void; abort(): void } {
  let settle!: (s: number) => void;
  const status = new Promise<number>((resolve) => (settle = resolve));
  const timer = setTimeout(() => settle(-1), waitMs);
  status.then(() => clearTimeout(timer));
  if (version === "2") {
    const session = http2Connect(`https://127.0.0.1:${stack.httpsPort}`, { ca: stack.caPem, servername: host });
    session.on("error", () => {});
    const req = session.request({ ":method": "POST", ":path": path, ":authority": host, "content-length": String(announced) });
    req.on("error", () => {});
    req.once("response", (h) => settle(Number(h[":status"])));
    req.once("close", () => settle(-1));
    req.write(Buffer.alloc(sent));
    return { status, endEarly: () => req.end(), abort: () => session.destroy() };
  }
  const req = httpRequest({ host: "127.0.0.1", port: stack.httpPort, method: "POST", path, headers: { host, "content-length": String(announced) } });
  req.on("error", () => settle(-1));
  req.once("response", (res) => {
    res.resume();
    settle(res.statusCode ?? 0);
  });
  req.write(Buffer.alloc(sent));
  return { status, endEarly: () => req.destroy(), abort: () => req.destroy() };
}
