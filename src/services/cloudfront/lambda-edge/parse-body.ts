import type { EdgeLimits } from "./limits.js";
import { BAD_BODY, ValidationFailure } from "./validation-failure.js";

/**
 * A body a function returns (cloudfront.md §14.3, §14.5): a string in `text` (UTF-8) or `base64`,
 * no longer than the event's replacement limit for that encoding; bad base64 is a 502.
 */
export function decodeBody(data: unknown, encoding: unknown, limits: EdgeLimits): Buffer {
  if (typeof data !== "string") throw new ValidationFailure(BAD_BODY);
  const enc = encoding ?? "text";
  if (enc === "text") {
    const buf = Buffer.from(data, "utf8");
    if (buf.length > limits.replaceTextBytes) throw new ValidationFailure(BAD_BODY);
    return buf;
  }
  if (enc !== "base64") throw new ValidationFailure(BAD_BODY);
  if (data.length > limits.replaceBase64Bytes || !isBase64(data)) throw new ValidationFailure(BAD_BODY);
  return Buffer.from(data, "base64");
}

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}
