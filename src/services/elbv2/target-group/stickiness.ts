/**
 * Stickiness cookies (alb.md §3.1, §6). AWS encrypts the value; ours is an opaque base64 of the
 * target, the target group, the stickiness expiry and a per-response nonce (Choice: not
 * encrypted, same alphabet). AWS re-encrypts the value for every response, so a client sees it
 * change each time even while it stays on one target; the nonce gives the same rotation.
 * The cookie Expires is always 7 days ahead and both cookies are re-issued on every response.
 */
const COOKIE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface StickyValue {
  group: string;
  target: string;
  expiresAt: number;
}

/** `nonce`: fresh per response (from the injected ids), so the value rotates. */
export function encodeSticky(v: StickyValue, nonce: string): string {
  return Buffer.from(`1\n${v.group}\n${v.target}\n${v.expiresAt}\n${nonce}`).toString("base64");
}

/** undefined for anything that is not a value we issued, including URL-encoded ones (alb.md §6). */
export function decodeSticky(raw: string | undefined): StickyValue | undefined {
  if (!raw || raw === "_remove_" || raw.includes("%")) return undefined;
  const parts = Buffer.from(raw, "base64").toString().split("\n");
  if (parts.length !== 5 || parts[0] !== "1") return undefined;
  const expiresAt = Number(parts[3]);
  if (!Number.isFinite(expiresAt)) return undefined;
  return { group: parts[1]!, target: parts[2]!, expiresAt };
}

/** `Cookie` header(s) → name → value; the first occurrence of a name wins. */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const line of Array.isArray(header) ? header : [header]) {
    for (const part of line.split(";")) {
      const eq = part.indexOf("=");
      if (eq === -1) continue;
      const name = part.slice(0, eq).trim();
      if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
    }
  }
  return out;
}

function expires(now: number): string {
  return new Date(now + COOKIE_LIFETIME_MS).toUTCString();
}

/** `AWSALB` + `AWSALBCORS` (or `AWSALBTG` + `AWSALBTGCORS`) Set-Cookie values [OBS alb.md §6]. */
export function durationCookies(prefix: "AWSALB" | "AWSALBTG", value: string, now: number): string[] {
  const e = expires(now);
  return [`${prefix}=${value}; Expires=${e}; Path=/`, `${prefix}CORS=${value}; Expires=${e}; Path=/; SameSite=None; Secure`];
}

/** `AWSALBAPP-0` carries the value; shards 1–3 are cleared with `_remove_` (alb.md §6). */
export function appCookies(value: string, now: number): string[] {
  const e = expires(now);
  const out = [`AWSALBAPP-0=${value}; Expires=${e}; Path=/`];
  for (let i = 1; i < 4; i++) out.push(`AWSALBAPP-${i}=_remove_; Expires=${e}; Path=/`);
  return out;
}

/** Whether a target's Set-Cookie headers set the named application cookie. */
export function setsCookie(setCookie: string | string[] | undefined, name: string): boolean {
  if (!setCookie) return false;
  for (const c of Array.isArray(setCookie) ? setCookie : [setCookie]) if (c.startsWith(`${name}=`)) return true;
  return false;
}
