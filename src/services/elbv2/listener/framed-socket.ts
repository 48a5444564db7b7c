import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { MethodRewriter } from "./method-rewrite.js";

/**
 * A client connection as Node's HTTP/1.1 server sees it when its bytes pass the method scanner
 * first (method-rewrite.ts). Node documents injecting any Duplex with `server.emit("connection")`;
 * this one forwards reads through the scanner, writes unchanged, and exposes the socket facts
 * the server and the listener read (addresses, TLS, byte counts).
 *
 * It also owns the connection's idle timeout (alb.md §9: no byte either way for
 * `idle_timeout.timeout_seconds`): a head that stalls is answered by `onHeadTimeout` (ALB's 408)
 * and an idle keep-alive connection is closed. While a request is being answered (`busy`) the
 * request's own watch (request-idle-timeout.ts) and the target's timeouts decide instead. Node's
 * own keep-alive and headers timers are not used: its headers check runs only on servers that
 * listen themselves, and only every 30 s.
 */
export class FramedSocket extends Duplex {
  readonly rewriter: MethodRewriter;
  /** Requests on this connection not yet answered. */
  busy = 0;

  constructor(
    readonly inner: Socket,
    maxHead: number,
    idleMs: number,
    onHeadTimeout: () => string,
  ) {
    super({ allowHalfOpen: false });
    this.rewriter = new MethodRewriter(maxHead);
    if (idleMs > 0) inner.setTimeout(idleMs);
    inner.on("timeout", () => {
      if (this.busy > 0) return;
      if (this.rewriter.isMidHead) inner.end(onHeadTimeout());
      else inner.destroy();
    });
    inner.on("data", (chunk: Buffer) => {
      const out = this.rewriter.feed(chunk);
      if (out.length && !this.push(out)) inner.pause();
    });
    inner.on("end", () => this.push(null));
    inner.on("error", (e) => this.destroy(e));
    inner.on("close", () => this.destroy());
    inner.on("drain", () => this.emit("drain"));
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.inner.write(chunk, encoding, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.inner.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.inner.destroy();
    cb(err);
  }

  get remoteAddress() {
    return this.inner.remoteAddress;
  }
  get remotePort() {
    return this.inner.remotePort;
  }
  get remoteFamily() {
    return this.inner.remoteFamily;
  }
  get localAddress() {
    return this.inner.localAddress;
  }
  get localPort() {
    return this.inner.localPort;
  }
  get bytesRead() {
    return this.inner.bytesRead;
  }
  get bytesWritten() {
    return this.inner.bytesWritten;
  }
  get encrypted() {
    return (this.inner as TLSSocket).encrypted === true;
  }
  get servername() {
    return (this.inner as TLSSocket).servername;
  }
  get alpnProtocol() {
    return (this.inner as TLSSocket).alpnProtocol;
  }
  get timeout() {
    return this.inner.timeout;
  }
  getCipher() {
    return (this.inner as TLSSocket).getCipher?.();
  }
  getProtocol() {
    return (this.inner as TLSSocket).getProtocol?.();
  }
  /** Node's server timers are replaced by the idle timeout above. */
  setTimeout(): this {
    return this;
  }
  setNoDelay(v?: boolean): this {
    this.inner.setNoDelay(v);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.inner.setKeepAlive(enable, delay);
    return this;
  }
  ref(): this {
    this.inner.ref();
    return this;
  }
  unref(): this {
    this.inner.unref();
    return this;
  }
}
