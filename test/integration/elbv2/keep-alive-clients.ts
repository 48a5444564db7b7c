import { connect as h2Connect, type ClientHttp2Session } from "node:http2";
import { Client } from "undici";

/**
 * One client connection kept open across requests (and across a stack update): HTTP/1.1 over a
 * single undici connection, or one HTTP/2 session (TLS, ALPN h2). `connects` counts the
 * connections it had to open, so a test sees whether the first one survived.
 */
export type HttpVersion = "HTTP/1.1" | "HTTP/2";
export const HTTP_VERSIONS: readonly HttpVersion[] = ["HTTP/1.1", "HTTP/2"];

export interface KeptConnection {
  send(
    path: string,
    o?: { method?: string; body?: Buffer | string; headers?: Record<string, string> },
  ): Promise<{ status: number; text: string; headers: Record<string, unknown> }>;
  readonly connects: number;
  close(): Promise<void>;
}

/** `url`: the listener's URL (its host name is sent as Host / :authority and SNI; the socket goes to 127.0.0.1). */
export function keepAlive(version: HttpVersion, url: string, ca: string): KeptConnection {
  const u = new URL(url);
  if (version === "HTTP/1.1") {
    const client = new Client(`${u.protocol}//127.0.0.1:${u.port}`, { connect: { ca, servername: u.hostname }, keepAliveTimeout: 30_000 });
    let connects = 0;
    client.on("connect", () => connects++);
    return {
      get connects() {
        return connects;
      },
      async send(path, o = {}) {
        const r = await client.request({ path, method: (o.method ?? "GET") as "GET", body: o.body, headers: { host: u.host, ...o.headers } });
        const text = await r.body.text();
        return { status: r.statusCode, text, headers: r.headers };
      },
      close: () => client.close(),
    };
  }
  let connects = 0;
  let session: ClientHttp2Session | undefined;
  const open = () => {
    if (session && !session.closed && !session.destroyed) return session;
    connects++;
    session = h2Connect(u.origin, { ca, host: "127.0.0.1", servername: u.hostname });
    session.on("error", () => {});
    return session;
  };
  return {
    get connects() {
      return connects;
    },
    send(path, o = {}) {
      return new Promise((resolve, reject) => {
        const req = open().request({ ":method": o.method ?? "GET", ":path": path, ":authority": u.host, ...o.headers });
        let status = 0;
        let headers: Record<string, unknown> = {};
        const chunks: Buffer[] = [];
        req.on("response", (h) => {
          status = Number(h[":status"]);
          headers = h;
        });
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve({ status, text: Buffer.concat(chunks).toString(), headers }));
        req.on("error", reject);
        req.end(o.body);
      });
    },
    async close() {
      const s = session;
      if (!s || s.destroyed) return;
      await new Promise<void>((r) => s.close(() => r()));
    },
  };
}
