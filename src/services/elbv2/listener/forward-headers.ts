import type { IncomingMessage } from "node:http";
import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import { connectionNamedFields, hopByHopWith } from "../../../core/http/hop-by-hop.js";
import type { ConnectionFacts } from "./connection-facts.js";

/**
 * The request headers a target receives (alb.md §7): the client's headers minus hop-by-hop ones,
 * duplicates kept, then X-Forwarded-For/-Proto/-Port, X-Amzn-Trace-Id and Host rewritten.
 */
export interface ForwardHeaderSettings {
  xffMode: "append" | "preserve" | "remove";
  xffClientPort: boolean;
  preserveHost: boolean;
  dropInvalidHeaders: boolean;
  tlsHeaders: { version: string; cipher: string } | undefined;
  listenerPort: number;
  protocol: "http" | "https";
}

/**
 * Not sent on, either way, besides RFC 9110's hop-by-hop fields (core/http/hop-by-hop.ts):
 * `Trailer` (bodies are relayed without a trailer section, so a Trailer announcing one would be
 * false) and `HTTP2-Settings` (an h2c upgrade's, connection-specific by RFC 7540 §3.2.1).
 * Choice: alb.md §7 leaves ALB's exact hop-by-hop stripping unconfirmed.
 */
export const ALB_HOP_BY_HOP = hopByHopWith(["trailer", "http2-settings"]);
/**
 * Not forwarded besides the hop-by-hop ones: `Expect` is answered by the listener itself (Node
 * sends `100 Continue` before the handler runs) and the body then arrives whole, so the target
 * request carries none — undici refuses the header outright (issue 8 §4: curl sends
 * `Expect: 100-continue` for every body over 1 MB, and every such upload was a 502).
 */
const NOT_FORWARDED = hopByHopWith([...ALB_HOP_BY_HOP, "expect"]);
const VALID_NAME = /^[-A-Za-z0-9]+$/;

export type HeaderRecord = Record<string, string | string[]>;

export function buildForwardHeaders(
  req: IncomingMessage,
  traceId: string,
  s: ForwardHeaderSettings,
  conn: ConnectionFacts,
  uriAuthority: string | undefined,
): HeaderRecord {
  const out: HeaderRecord = {};
  const raw = req.rawHeaders;
  // RFC 9110 §7.6.1: the fields the client's Connection header names are its own hop's too.
  const named = connectionNamedFields(req.headers.connection, NOT_FORWARDED);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name.charCodeAt(0) === 58 || NOT_FORWARDED.has(name) || named?.has(name)) continue;
    // alb.md §7.2: with drop_invalid_header_fields, names outside [-A-Za-z0-9] are removed.
    if (s.dropInvalidHeaders && !VALID_NAME.test(name)) continue;
    const v = raw[i + 1]!;
    const prev = out[name];
    if (prev === undefined) out[name] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[name] = [prev, v];
  }
  const authority = req.headers[":authority"] as string | undefined;
  if (out["host"] === undefined && authority) out["host"] = authority;
  const peer = conn.clientIp;
  // alb.md §7.1.
  const xff = out["x-forwarded-for"];
  if (s.xffMode === "remove") delete out["x-forwarded-for"];
  else if (s.xffMode === "append") {
    const me = s.xffClientPort ? (peer.includes(":") ? `[${peer}]:${conn.clientPort}` : `${peer}:${conn.clientPort}`) : peer;
    out["x-forwarded-for"] = xff === undefined ? me : `${Array.isArray(xff) ? xff.join(", ") : xff}, ${me}`;
  }
  // Choice: alb.md §7.2 — a client-sent X-Forwarded-Proto/-Port is overwritten.
  out["x-forwarded-proto"] = s.protocol;
  out["x-forwarded-port"] = String(s.listenerPort);
  out["x-amzn-trace-id"] = traceId;
  if (s.tlsHeaders && s.protocol === "https") {
    if (conn.sslProtocol) out[s.tlsHeaders.version] = conn.sslProtocol;
    if (conn.sslCipher) out[s.tlsHeaders.cipher] = conn.sslCipher;
  }
  // alb.md §7.4: for an absolute-form target (`GET http://dns_name/x`) the host sent on is the
  // URI's unless the Host header is preserved.
  out["host"] = targetHost(uriAuthority !== undefined && !s.preserveHost ? uriAuthority : out["host"], s);
  return out;
}

/** alb.md §7.4: without preservation the port is dropped on 80/443 and the listener port added elsewhere. */
function targetHost(h: string | string[] | undefined, s: ForwardHeaderSettings): string | string[] {
  if (s.preserveHost) return h ?? "";
  const first = (Array.isArray(h) ? h[0] : h) ?? "";
  const name = stripPort(first);
  return s.listenerPort === 80 || s.listenerPort === 443 ? name : `${name}:${s.listenerPort}`;
}

export function stripPort(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** Number of addresses in the incoming X-Forwarded-For (alb.md §7.1: more than 30 → 463). */
export function countForwardedFor(req: IncomingMessage): number {
  const h = req.headers["x-forwarded-for"] as string | string[] | undefined;
  if (!h) return 0;
  const v = Array.isArray(h) ? h.join(",") : h;
  let n = 1;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) === 44) n++;
  return n;
}

/**
 * alb.md §7.3: `Root=1-<8 hex epoch>-<24 hex>`; an incoming Root gets `Self=` in front, an incoming
 * Self is replaced, custom fields are kept.
 */
export function traceIdFor(incoming: string | undefined, clock: Clock, ids: Ids): string {
  const self = `1-${Math.floor(clock.now() / 1000)
    .toString(16)
    .padStart(8, "0")}-${ids.hex32().slice(0, 24)}`;
  if (!incoming) return `Root=${self}`;
  if (/(^|;)\s*Self=/.test(incoming)) return incoming.replace(/Self=[^;]*/, `Self=${self}`);
  if (/(^|;)\s*Root=/.test(incoming)) return `Self=${self};${incoming}`;
  return `Root=${self}`;
}
