/**
 * Runtime 1.0's nonstandard byte-string methods (cloudfront.md §13.1; removed in 2.0). A byte
 * string is a string whose every code unit is one octet (0–255), as njs defines it:
 * `toUTF8`/`toBytes` make one, `fromUTF8`/`fromBytes` read one back, `String.bytesFrom` builds one
 * from an array of octets or from hex/base64/base64url text. A conversion that cannot be done
 * answers null, as njs does.
 */
const NON_BYTE = /[^\0-\xff]/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function range(s: string, start: unknown, end: unknown): string {
  return s.slice(start === undefined ? 0 : Number(start), end === undefined ? undefined : Number(end));
}

export function installByteStrings(CtxString: StringConstructor): void {
  const define = (target: object, name: string, value: (...a: never[]) => unknown) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  define(CtxString.prototype, "toUTF8", function (this: string, start?: unknown, end?: unknown) {
    return Buffer.from(range(String(this), start, end), "utf8").toString("latin1");
  });
  define(CtxString.prototype, "toBytes", function (this: string, start?: unknown, end?: unknown) {
    const s = range(String(this), start, end);
    return NON_BYTE.test(s) ? null : s;
  });
  define(CtxString.prototype, "fromUTF8", function (this: string, start?: unknown, end?: unknown) {
    const s = range(String(this), start, end);
    if (NON_BYTE.test(s)) return null;
    try {
      return UTF8.decode(Buffer.from(s, "latin1"));
    } catch {
      return null;
    }
  });
  define(CtxString.prototype, "fromBytes", function (this: string, start?: unknown, end?: unknown) {
    const s = range(String(this), start, end);
    return NON_BYTE.test(s) ? null : s;
  });
  const bytesFrom = (source: unknown, encoding?: unknown) => {
    if (Array.isArray(source)) return String.fromCharCode(...source.map((b) => Number(b) & 0xff));
    if (encoding === "hex" || encoding === "base64" || encoding === "base64url") return Buffer.from(String(source), encoding).toString("latin1");
    throw new TypeError(`bytesFrom: unknown encoding "${String(encoding)}"`);
  };
  define(CtxString, "bytesFrom", bytesFrom);
  define(CtxString.prototype, "bytesFrom", bytesFrom);
}
