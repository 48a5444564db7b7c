import { createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A minimal keep-alive HTTP/1.1 origin on raw sockets that accepts any method token, as nginx or
 * Go servers do (Node's own server refuses methods outside its list). Content-Length bodies
 * only. It answers `200` with body `<METHOD> <body length>` and records each request.
 */
export interface RawOrigin {
  url: string;
  requests: { method: string; url: string; headers: string[]; body: Buffer }[];
  close(): Promise<void>;
}

export async function startRawOrigin(): Promise<RawOrigin> {
  const requests: RawOrigin["requests"] = [];
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    let buf = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end === -1) return;
        const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
        const [method = "", url = ""] = lines[0]!.split(" ");
        const cl = Number(lines.find((l) => /^content-length:/i.test(l))?.split(":")[1] ?? 0);
        if (buf.length < end + 4 + cl) return;
        const body = buf.subarray(end + 4, end + 4 + cl);
        buf = buf.subarray(end + 4 + cl);
        requests.push({ method, url, headers: lines.slice(1), body: Buffer.from(body) });
        const text = `${method} ${body.length}`;
        s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
