import { connect } from "node:net";

/** Sends bytes as they are (malformed requests, HTTP/1.0) and reads until the server closes or `idleMs` passes. */
export function rawRequest(port: number, text: string | Buffer, idleMs = 2000): Promise<{ status: number; raw: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(text));
    let raw = "";
    let closed = false;
    const finish = () => resolve({ status: Number(raw.split(" ")[1] ?? 0), raw, closed });
    s.setTimeout(idleMs, () => {
      s.destroy();
      finish();
    });
    s.on("data", (d) => (raw += d.toString("latin1")));
    s.on("end", () => {
      closed = true;
      finish();
    });
    s.on("error", (e) => (raw ? finish() : reject(e)));
  });
}
