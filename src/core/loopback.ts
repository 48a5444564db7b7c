import { isIP } from "node:net";

/**
 * Whether a host names this machine: 127.0.0.0/8, ::1 (and its IPv4-mapped forms) or `localhost`.
 * edgeparity sends traffic to nothing else (the brief: network only to loopback).
 */
export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1" || h.startsWith("::ffff:127.");
  return false;
}
