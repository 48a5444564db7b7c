import { connect, type ClientHttp2Session } from "node:http2";

/** One request over HTTP/2 (TLS, ALPN h2) to 127.0.0.1 with the given SNI; the session is closed after it. */
export interface H2Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The stream ended by RST_STREAM / GOAWAY / socket close instead of a response. */
  reset?: string;
}

export function h2Request(
  url: string,
  o: { ca: string; method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = { ca: "" },
): Promise<H2Reply> {
  const u = new URL(url);
  const session: ClientHttp2Session = connect(u.origin, { ca: o.ca, host: "127.0.0.1", servername: u.hostname });
  return new Promise<H2Reply>((resolve) => {
    const done = (r: H2Reply) => {
      clearTimeout(timer);
      session.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ status: 0, headers: {}, body: Buffer.alloc(0), reset: "timeout" }), o.timeoutMs ?? 10_000);
    session.on("error", (e) => done({ status: 0, headers: {}, body: Buffer.alloc(0), reset: e.message }));
    const req = session.request({ ":method": o.method ?? "GET", ":path": u.pathname + u.search, ":authority": u.host, ...o.headers });
    let status = 0;
    let headers: H2Reply["headers"] = {};
    const chunks: Buffer[] = [];
    req.on("response", (h) => {
      status = Number(h[":status"]);
      headers = h as H2Reply["headers"];
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => done({ status, headers, body: Buffer.concat(chunks) }));
    req.on("error", (e) => done({ status, headers, body: Buffer.concat(chunks), reset: e.message }));
    req.end(o.body);
  });
}
