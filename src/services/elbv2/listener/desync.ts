import type { IncomingMessage } from "node:http";

/**
 * Desync mitigation (alb.md §9, ELB User Guide "Desync mitigation mode", aws/http-desync-guardian):
 * every request is classified Compliant / Acceptable / Ambiguous / Severe with a reason code, and
 * `routing.http.desync_mitigation_mode` decides what happens:
 *
 * | class      | monitor | defensive                       | strictest |
 * | Acceptable | allow   | allow                           | block 400 |
 * | Ambiguous  | allow   | allow, then close both sockets  | block 400 |
 * | Severe     | allow   | block 400 and close             | block 400 |
 *
 * Divergence from AWS: Node's HTTP/1.1 parser (llhttp) already refuses most Severe shapes (bad
 * Content-Length, TE + CL, control characters, bad version) with 400 before this code runs, so in
 * `monitor` mode those are still refused. Classified here are the shapes that parser lets through.
 */
export type DesyncMode = "monitor" | "defensive" | "strictest";

export interface DesyncVerdict {
  classification: "Acceptable" | "Ambiguous" | "Severe";
  reason: string;
}

export type DesyncAction = "allow" | "allow-and-close" | "block";

const METHOD = /^[A-Z][A-Z0-9_-]*$/;
const RANK = { Acceptable: 1, Ambiguous: 2, Severe: 3 } as const;
/** A header name that is not a field we know but reads as one once separators and case are ignored. */
const FRAMING = new Set(["contentlength", "transferencoding"]);

/** The most severe finding for a request, or undefined when it is Compliant. */
export function classifyRequest(req: IncomingMessage): DesyncVerdict | undefined {
  let worst: DesyncVerdict | undefined;
  const note = (classification: DesyncVerdict["classification"], reason: string) => {
    if (!worst || RANK[classification] > RANK[worst.classification]) worst = { classification, reason };
  };
  // The HTTP/1.1 parser refuses these itself; over HTTP/2 Node takes any token (method-rewrite.ts).
  if (!METHOD.test(req.method ?? "")) note("Severe", "BadMethod");
  const raw = req.rawHeaders;
  const bodyless = req.method === "GET" || req.method === "HEAD";
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 58) continue; // HTTP/2 pseudo-headers
    const lower = name.toLowerCase();
    if (lower === "content-length") {
      if (bodyless)
        note(value.trim() === "0" ? "Acceptable" : "Ambiguous", value.trim() === "0" ? "GetHeadZeroContentLength" : "UndefinedContentLengthSemantics");
    } else if (lower === "transfer-encoding") {
      if (bodyless) note("Ambiguous", "UndefinedTransferEncodingSemantics");
    } else if (FRAMING.has(lower.replace(/[^a-z]/g, ""))) note("Ambiguous", "SuspiciousHeader");
    if (value === "") note("Ambiguous", "EmptyHeader");
    else if (!isVisibleAscii(value)) note("Acceptable", "NonCompliantHeader");
  }
  return worst;
}

function isVisibleAscii(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 0x09)) return false;
  }
  return true;
}

export function desyncAction(mode: DesyncMode, v: DesyncVerdict | undefined): DesyncAction {
  if (!v || mode === "monitor") return "allow";
  if (mode === "strictest") return "block";
  return v.classification === "Severe" ? "block" : v.classification === "Ambiguous" ? "allow-and-close" : "allow";
}
