import { Duplex } from "node:stream";

/**
 * A connection whose two ends are both in this process: what one end writes, the other reads.
 * CloudFront reaches an origin that edgeparity serves itself through one (issue 14: no loopback
 * hop), so undici writes and Node's HTTP parser reads the very bytes they would over loopback
 * TCP, without the two socket writes and reads and the wake-ups between them.
 *
 * Each end shows what a TCP socket shows the code reading it: addresses and ports, byte counts,
 * an idle timer (`setTimeout`, which Node's HTTP server uses for keep-alive and the ALB for its
 * idle timeout), and TCP's way of closing: an end that ends or is destroyed sends EOF (a FIN); one
 * destroyed with bytes it had not read resets the other (ECONNRESET, the kernel's RST), and a
 * write to an end already gone fails the same way. Socket options (no-delay, keep-alive, ref)
 * have no meaning here and do nothing.
 */
export class MemorySocket extends Duplex {
  // Both ends are made together (`memorySocketPair`); a field, so the private state of each is reachable from the other.
  #peer: MemorySocket | undefined;
  /** Our write the peer has not taken yet (its buffer was full): released when it reads. */
  #waiting: (() => void) | undefined;
  #sentEnd = false;
  #timeoutMs = 0;
  #timer: NodeJS.Timeout | undefined;
  bytesRead = 0;
  bytesWritten = 0;
  readonly connecting = false;
  readonly pending = false;
  readonly remoteFamily = "IPv4";
  readonly localFamily = "IPv4";

  constructor(
    readonly localAddress: string,
    readonly localPort: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    // undici reads origin sockets with a 64 KiB high-water mark (its net.connect options); so do we.
    super({ allowHalfOpen: false, highWaterMark: 64 * 1024 });
  }

  static pair(client: { address: string; port: number }, server: { address: string; port: number }): [MemorySocket, MemorySocket] {
    const a = new MemorySocket(client.address, client.port, server.address, server.port);
    const b = new MemorySocket(server.address, server.port, client.address, client.port);
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  get readyState(): string {
    return this.destroyed ? "closed" : "open";
  }

  get timeout(): number | undefined {
    return this.#timeoutMs === 0 ? undefined : this.#timeoutMs;
  }

  override _read(): void {
    const release = this.#peer!.#waiting;
    if (release === undefined) return;
    this.#peer!.#waiting = undefined;
    release();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.#send(chunk, cb);
  }

  /** A corked head and body arrive as one read, as one `writev` on a TCP socket does. */
  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.#send(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  #send(chunk: Buffer, cb: (e?: Error | null) => void): void {
    const peer = this.#peer!;
    // Only a closed end refuses bytes: one that has sent its FIN still reads (TCP's half-close).
    if (peer.destroyed) return cb(connectionReset("write"));
    this.bytesWritten += chunk.length;
    this.#touch();
    peer.bytesRead += chunk.length;
    peer.#touch();
    if (peer.push(chunk)) cb();
    else this.#waiting = () => cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.#sendEnd();
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#waiting = undefined;
    const peer = this.#peer!;
    if (!peer.destroyed) {
      // Bytes left unread: the kernel answers the close with a reset, not a FIN.
      if (this.readableLength > 0) peer.destroy(connectionReset("read"));
      else this.#sendEnd();
    }
    cb(err);
  }

  /** The FIN: the peer reads to the end of what was sent, then EOF. */
  #sendEnd(): void {
    if (this.#sentEnd) return;
    this.#sentEnd = true;
    const peer = this.#peer!;
    if (!peer.destroyed) peer.push(null);
  }

  /** net.Socket's idle timer: `timeout` after `ms` without a byte read or written. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) {
      if (ms === 0) this.off("timeout", callback);
      else this.once("timeout", callback);
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timeoutMs = ms;
    if (ms > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit("timeout"), ms);
      this.#timer.unref();
    }
    return this;
  }

  #touch(): void {
    this.#timer?.refresh();
  }

  /** net.Socket's, which Node's HTTP server calls after a `Connection: close` answer. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: this.localFamily, port: this.localPort };
  }

  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function connectionReset(syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ECONNRESET`), { code: "ECONNRESET", errno: -104, syscall });
}
