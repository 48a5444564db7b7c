/**
 * Decodes `Content-Encoding: aws-chunked` bodies (s3.md §7.1: STREAMING-* payloads):
 * `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0[;…]\r\n[<trailer>:<value>\r\n]*\r\n`.
 * Trailing headers (`x-amz-checksum-crc32: …`) are collected into `trailers`.
 */
export class AwsChunkedError extends Error {}

export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, trailers: Record<string, string>): AsyncGenerator<Buffer> {
  let buf: Buffer = Buffer.alloc(0);
  let remaining = -1; // bytes left in the current chunk's data; -1 = expecting a size line
  let afterData = false; // expecting the \r\n that ends a chunk's data
  let inTrailer = false;
  const it = source[Symbol.asyncIterator]();
  const more = async (): Promise<boolean> => {
    const n = await it.next();
    if (n.done) return false;
    buf = buf.length === 0 ? n.value : Buffer.concat([buf, n.value]);
    return true;
  };
  const line = async (): Promise<string> => {
    for (;;) {
      const i = buf.indexOf("\r\n");
      if (i !== -1) {
        const s = buf.subarray(0, i).toString("latin1");
        buf = buf.subarray(i + 2);
        return s;
      }
      if (buf.length > 64 * 1024) throw new AwsChunkedError("chunk header too long");
      if (!(await more())) throw new AwsChunkedError("truncated aws-chunked body");
    }
  };
  for (;;) {
    if (inTrailer) {
      const l = await line();
      if (l === "") return;
      const c = l.indexOf(":");
      if (c > 0) trailers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      continue;
    }
    if (afterData) {
      const l = await line();
      if (l !== "") throw new AwsChunkedError("malformed chunk terminator");
      afterData = false;
      remaining = -1;
      continue;
    }
    if (remaining === -1) {
      const l = await line();
      const size = parseInt(l.split(";", 1)[0]!, 16);
      if (!Number.isFinite(size) || size < 0) throw new AwsChunkedError("malformed chunk size");
      if (size === 0) {
        inTrailer = true;
        continue;
      }
      remaining = size;
    }
    if (buf.length === 0 && !(await more())) throw new AwsChunkedError("truncated aws-chunked body");
    const take = Math.min(remaining, buf.length);
    const out = buf.subarray(0, take);
    buf = buf.subarray(take);
    remaining -= take;
    yield out;
    if (remaining === 0) afterData = true;
  }
}
