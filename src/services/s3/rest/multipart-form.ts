import type { Readable } from "node:stream";

/**
 * A pull reader over a multipart/form-data body (RFC 7578, RFC 2046 §5.1.1): find the next
 * delimiter, read the part's headers, then either read its body whole (a small field) or stream it
 * (the file), holding back only the bytes that could begin the next delimiter. `release()` stops
 * reading and lets the rest of the body drain, as S3 ignores whatever follows the file.
 */
export class MultipartFormError extends Error {}

export interface FormPartHead {
  /** The `name` parameter as sent. */
  name: string;
  /** The `filename` parameter, undefined when absent. */
  filename: string | undefined;
  /** The Content-Disposition type: `form-data` for form fields. */
  disposition: string;
}

const MULTIPART_FORM = /^multipart\/form-data\s*(?:;|$)/i;
const BOUNDARY_PARAM = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^;\s]{1,70}))/i;
const DISPOSITION_PARAM = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
const QUOTED_PAIR = /\\(.)/g;
const CRLF = Buffer.from("\r\n");
const MAX_HEADER_BYTES = 8192;

export function isMultipartForm(contentType: string | undefined): boolean {
  return contentType !== undefined && MULTIPART_FORM.test(contentType);
}

export function boundaryOf(contentType: string): string | undefined {
  const m = BOUNDARY_PARAM.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export class MultipartFormReader {
  readonly #source: ChunkSource;
  readonly #delimiter: Buffer;
  // A virtual CRLF before the body lets the first delimiter match like every other one.
  #buf: Buffer = Buffer.from(CRLF);
  #inBody = false;
  #done = false;

  constructor(stream: Readable, boundary: string) {
    this.#source = new ChunkSource(stream);
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
  }

  /** The next part's head, or undefined after the closing delimiter. Skips an unread body. */
  async nextPart(): Promise<FormPartHead | undefined> {
    if (this.#done) return undefined;
    if (this.#inBody) {
      const rest = this.body();
      while (!(await rest.next()).done);
    }
    let at: number;
    while ((at = this.#buf.indexOf(this.#delimiter)) === -1) {
      // Preamble: keep only what could start the delimiter.
      this.#buf = this.#buf.subarray(Math.max(0, this.#buf.length - this.#delimiter.length + 1));
      await this.#fill();
    }
    this.#buf = this.#buf.subarray(at + this.#delimiter.length);
    const line = await this.#readLine();
    if (line.startsWith("--")) {
      this.#done = true;
      return undefined;
    }
    // Anything but transport padding after the boundary is malformed.
    if (line.trim() !== "") throw new MultipartFormError("text after boundary");
    let disposition: string | undefined;
    let headerBytes = 0;
    for (;;) {
      const h = await this.#readLine();
      headerBytes += h.length + 2;
      if (headerBytes > MAX_HEADER_BYTES) throw new MultipartFormError("part headers too large");
      if (h === "") break;
      const colon = h.indexOf(":");
      if (colon !== -1 && h.slice(0, colon).trim().toLowerCase() === "content-disposition") disposition = h.slice(colon + 1).trim();
    }
    if (disposition === undefined) throw new MultipartFormError("part without Content-Disposition");
    this.#inBody = true;
    return parseDisposition(disposition);
  }

  /** The current part's body, streamed; ends at the next delimiter (left for nextPart). */
  async *body(): AsyncGenerator<Buffer> {
    if (!this.#inBody) return;
    const keep = this.#delimiter.length - 1;
    for (;;) {
      const at = this.#buf.indexOf(this.#delimiter);
      if (at !== -1) {
        const out = this.#buf.subarray(0, at);
        this.#buf = this.#buf.subarray(at);
        this.#inBody = false;
        if (out.length) yield out;
        return;
      }
      if (this.#buf.length > keep) {
        const out = this.#buf.subarray(0, this.#buf.length - keep);
        this.#buf = this.#buf.subarray(this.#buf.length - keep);
        yield out;
      }
      await this.#fill();
    }
  }

  /** The current part's body as text; undefined once it exceeds `limit` bytes. */
  async readField(limit: number): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of this.body()) {
      n += c.length;
      if (n > limit) return undefined;
      chunks.push(c);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  /** Stops reading; the rest of the request drains unread. */
  release(): void {
    this.#source.release();
  }

  async #readLine(): Promise<string> {
    let at: number;
    while ((at = this.#buf.indexOf(CRLF)) === -1) {
      if (this.#buf.length > MAX_HEADER_BYTES) throw new MultipartFormError("header line too long");
      await this.#fill();
    }
    const line = this.#buf.subarray(0, at).toString("utf8");
    this.#buf = this.#buf.subarray(at + 2);
    return line;
  }

  async #fill(): Promise<void> {
    const c = await this.#source.next();
    if (c === undefined) throw new MultipartFormError("body ended inside a part");
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, c]) : c;
  }
}

function parseDisposition(value: string): FormPartHead {
  const semi = value.indexOf(";");
  const disposition = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  let name = "";
  let filename: string | undefined;
  for (const m of value.slice(semi === -1 ? value.length : semi).matchAll(DISPOSITION_PARAM)) {
    const v = m[2] !== undefined ? m[2].replace(QUOTED_PAIR, "$1") : m[3]!.trim();
    const param = m[1]!.toLowerCase();
    if (param === "name") name = v;
    else if (param === "filename") filename = v;
  }
  return { name, filename, disposition };
}

/**
 * Pulls chunks from a readable one at a time using 'data' and pause(), never its async iterator,
 * whose early return would destroy the request before the response is written.
 */
class ChunkSource {
  readonly #stream: Readable;
  readonly #queue: Buffer[] = [];
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #onData = (c: Buffer): void => {
    this.#queue.push(c);
    this.#stream.pause();
    this.#notify();
  };
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#notify();
  };
  readonly #onClose = (): void => {
    if (!this.#ended) this.#error ??= new MultipartFormError("request closed before its end");
    this.#notify();
  };
  readonly #onError = (e: Error): void => {
    this.#error = e;
    this.#notify();
  };

  constructor(stream: Readable) {
    this.#stream = stream;
    stream.on("data", this.#onData);
    stream.on("end", this.#onEnd);
    stream.on("close", this.#onClose);
    stream.on("error", this.#onError);
  }

  async next(): Promise<Buffer | undefined> {
    for (;;) {
      const c = this.#queue.shift();
      if (c) return c;
      if (this.#error) throw this.#error;
      if (this.#ended) return undefined;
      const woken = new Promise<void>((resolve) => (this.#wake = resolve));
      this.#stream.resume();
      await woken;
    }
  }

  release(): void {
    this.#stream.off("data", this.#onData);
    this.#stream.off("end", this.#onEnd);
    this.#stream.off("close", this.#onClose);
    // The 'error' listener stays: a client abort after release must not become an uncaught error.
    if (!this.#stream.readableEnded) this.#stream.resume();
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}
