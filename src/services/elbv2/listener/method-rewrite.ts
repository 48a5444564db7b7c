import { METHODS } from "node:http";

/**
 * Carries request methods Node's HTTP/1.1 parser does not know past it (alb.md §2.1: ALB accepts
 * custom methods, and an `http-request-method` rule may name one, e.g. the guide's
 * `CUSTOM-METHOD`). llhttp refuses any method outside its fixed list with 400, so the bytes of
 * each request head are looked at before the parser sees them: an unknown but valid method
 * token is replaced by `POST` on the wire and remembered, in request order, for the handler to
 * put back on `req.method`. To find where each request head starts on a keep-alive connection
 * the scanner follows the message framing (Content-Length, chunked, RFC 9112 §6–7). Anything it
 * cannot follow with certainty (conflicting framing, Upgrade, CONNECT, an unterminated head over
 * the size limit) switches it to pass-through for the rest of the connection, leaving the parser
 * to judge those bytes exactly as before.
 */
const KNOWN = new Set(METHODS);
/**
 * Choice: custom methods are carried when written like ALB's own method condition values
 * (`A–Z - _`, alb.md §2.1) plus digits; other tokens (e.g. lower-case `delete`) stay with the
 * parser, which refuses them with 400 as a Severe `BadMethod` (alb.md §9).
 */
const CUSTOM_METHOD = /^[A-Z][A-Z0-9_-]*$/;
const HEAD_END = Buffer.from("\r\n\r\n");

type State =
  | { kind: "head" }
  /** `left` bytes to pass on, then the next state: a head, a chunk's CRLF, or a chunk-size line. */
  | { kind: "count"; left: number; after: "head" | "chunk-crlf" | "chunk-size" }
  | { kind: "line"; of: "chunk-size" | "trailer"; line: string }
  | { kind: "pass" };

export class MethodRewriter {
  /** Original methods of the request heads seen, oldest first; undefined = not rewritten. */
  readonly #methods: (string | undefined)[] = [];
  #state: State = { kind: "head" };
  #head: Buffer[] = [];
  #headLength = 0;

  constructor(private readonly maxHead: number) {}

  /** Part of a request head has arrived, but not its end (a stall here is ALB's 408, alb.md §9). */
  get isMidHead(): boolean {
    return this.#state.kind === "head" && this.#headLength > 0;
  }

  /** The method to restore on the next request the parser emits (undefined: keep the parser's). */
  nextMethod(): string | undefined {
    return this.#methods.shift();
  }

  /** Feeds bytes from the client; returns the bytes to hand to the parser. */
  feed(chunk: Buffer): Buffer {
    if (this.#state.kind === "pass") return chunk;
    const out: Buffer[] = [];
    let i = 0;
    while (i < chunk.length && !this.#passing()) {
      const s: State = this.#state;
      switch (s.kind) {
        case "head": {
          // Leading CRLFs before a request line are allowed (RFC 9112 §2.2).
          if (this.#headLength === 0) {
            const start = i;
            while (i < chunk.length && (chunk[i] === 13 || chunk[i] === 10)) i++;
            if (i > start) out.push(chunk.subarray(start, i));
            if (i === chunk.length) break;
          }
          const piece = chunk.subarray(i);
          this.#head.push(piece);
          this.#headLength += piece.length;
          const joined = this.#head.length === 1 ? piece : Buffer.concat(this.#head);
          const end = joined.indexOf(HEAD_END, Math.max(0, joined.length - piece.length - 3));
          if (end === -1) {
            if (this.#headLength > this.maxHead) this.#passThrough(out);
            i = chunk.length;
            break;
          }
          const headLen = end + 4;
          const consumedFromPiece = headLen - (joined.length - piece.length);
          out.push(this.#rewriteHead(joined.subarray(0, headLen)));
          this.#head = [];
          this.#headLength = 0;
          i += consumedFromPiece;
          break;
        }
        case "count": {
          // Body bytes (Content-Length or chunk data) or a chunk's CRLF: passed on as they are.
          const n = Math.min(s.left, chunk.length - i);
          out.push(chunk.subarray(i, i + n));
          i += n;
          s.left -= n;
          if (s.left === 0)
            this.#state =
              s.after === "chunk-crlf"
                ? { kind: "count", left: 2, after: "chunk-size" }
                : s.after === "head"
                  ? { kind: "head" }
                  : { kind: "line", of: "chunk-size", line: "" };
          break;
        }
        case "line": {
          // A chunk-size line, or a trailer line (an empty one ends the message).
          const nl = chunk.indexOf(10, i);
          const upto = nl === -1 ? chunk.length : nl + 1;
          out.push(chunk.subarray(i, upto));
          s.line += chunk.toString("latin1", i, upto);
          i = upto;
          if (nl === -1) {
            if (s.line.length > this.maxHead) this.#passThrough(out);
            break;
          }
          if (s.of === "trailer") {
            this.#state = s.line === "\r\n" || s.line === "\n" ? { kind: "head" } : { kind: "line", of: "trailer", line: "" };
            break;
          }
          const m = /^([0-9A-Fa-f]+)[ \t;]?[^\r\n]*\r?\n$/.exec(s.line);
          if (!m) this.#passThrough(out);
          else {
            const size = parseInt(m[1]!, 16);
            this.#state = size === 0 ? { kind: "line", of: "trailer", line: "" } : { kind: "count", left: size, after: "chunk-crlf" };
          }
          break;
        }
      }
    }
    if (this.#passing() && i < chunk.length) out.push(chunk.subarray(i));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  #passing(): boolean {
    return this.#state.kind === "pass";
  }

  #passThrough(out: Buffer[]): void {
    if (this.#head.length) out.push(...this.#head);
    this.#head = [];
    this.#state = { kind: "pass" };
  }

  /** Rewrites the method of one complete head and sets the body framing that follows it. */
  #rewriteHead(head: Buffer): Buffer {
    const text = head.toString("latin1");
    const sp = text.indexOf(" ");
    const method = sp === -1 ? "" : text.slice(0, sp);
    let length = 0;
    let chunked = false;
    let conflict = false;
    let upgrade = method === "CONNECT";
    const lines = text.split("\r\n");
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k]!;
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        if (!/^\d+$/.test(value) || (length !== 0 && Number(value) !== length)) conflict = true;
        length = Number(value);
      } else if (name === "transfer-encoding") {
        if (value.toLowerCase().split(",").at(-1)!.trim() === "chunked") chunked = true;
        else conflict = true;
      } else if (name === "upgrade") upgrade = true;
    }
    if (conflict || upgrade || (chunked && length !== 0)) {
      this.#methods.push(undefined);
      this.#state = { kind: "pass" };
      return head;
    }
    this.#state = chunked ? { kind: "line", of: "chunk-size", line: "" } : length > 0 ? { kind: "count", left: length, after: "head" } : { kind: "head" };
    if (!method || KNOWN.has(method) || !CUSTOM_METHOD.test(method)) {
      this.#methods.push(undefined);
      return head;
    }
    this.#methods.push(method);
    return Buffer.concat([Buffer.from("POST"), head.subarray(sp)]);
  }
}
