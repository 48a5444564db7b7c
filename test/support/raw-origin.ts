import { createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A minimal keep-alive HTTP/1.1 origin on raw sockets that accepts any method token, as nginx or
 * Go servers do (Node's own server refuses methods outside its list). Content-Length bodies
 * only. It answers `200` with body `<METHOD> <body length>` and records each request, its head
 * as it came on the wire too.
 */
export interface RawOrigin {
  url: string;
  port: number;
  requests: RawRequest[];
  close(): Promise<void>;
}

export interface RawRequest {
  method: string;
  url: string;
  /** The header lines, as sent. */
  headers: string[];
  /** The request line and header lines, as sent (without the blank line). */
  head: string;
  body: Buffer;
}

/**
 * `answer` may change the answer: undefined = none at all (a silent origin), else header lines
 * added to it and its body (default `<METHOD> <body length>`).
 */
export async function startRawOrigin(answer: (r: RawRequest) => { headers?: string[]; body?: string } | undefined = () => ({})): Promise<RawOrigin> {
  const requests: RawOrigin["requests"] = [];
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    let buf = Buffer.alloc(0);
    s.on("error", () => s.destroy());
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end === -1) return;
        const head = buf.subarray(0, end).toString("latin1");
        const lines = head.split("\r\n");
        const [method = "", url = ""] = lines[0]!.split(" ");
        const cl = Number(lines.find((l) => /^content-length:/i.test(l))?.split(":")[1] ?? 0);
        if (buf.length < end + 4 + cl) return;
        const body = buf.subarray(end + 4, end + 4 + cl);
        buf = buf.subarray(end + 4 + cl);
        const r: RawRequest = { method, url, headers: lines.slice(1), head, body: Buffer.from(body) };
        requests.push(r);
        const a = answer(r);
        if (a === undefined) continue;
        const text = a.body ?? `${method} ${body.length}`;
        const extra = (a.headers ?? []).map((h) => `${h}\r\n`).join("");
        s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${extra}Content-Length: ${text.length}\r\n\r\n${text}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
