/**
 * `decodeURIComponent`, or the text unchanged when it is not valid percent-encoding (a lone `%`,
 * bytes that are not UTF-8), so a bad escape in a key or query never throws inside a request.
 */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
