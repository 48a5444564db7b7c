import { isIPv4, isIPv6 } from "node:net";

/** source-ip conditions (alb.md §2.1): CIDR blocks, IPv4 and IPv6, parsed once at start. */
export type IpMatcher = (ip: string) => boolean;

export function compileCidrs(cidrs: readonly string[]): IpMatcher {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  for (const c of cidrs) {
    const [addr = "", bitsText = ""] = c.split("/");
    const bits = Number(bitsText);
    if (isIPv4(addr)) {
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      v4.push([(ipv4ToInt(addr) & mask) >>> 0, mask]);
    } else {
      const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
      v6.push([ipv6ToBigInt(addr) & mask, mask]);
    }
  }
  return (raw) => {
    // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
    const ip = raw.startsWith("::ffff:") && isIPv4(raw.slice(7)) ? raw.slice(7) : raw;
    if (isIPv4(ip)) {
      const n = ipv4ToInt(ip);
      return v4.some(([net, mask]) => (n & mask) >>> 0 === net);
    }
    if (!isIPv6(ip) || v6.length === 0) return false;
    const n = ipv6ToBigInt(ip);
    return v6.some(([net, mask]) => (n & mask) === net);
  };
}

function ipv4ToInt(ip: string): number {
  const p = ip.split(".");
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip.split("%")[0]!;
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const n = ipv4ToInt(tail);
    s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = "", rest] = s.split("::");
  const a = head ? head.split(":") : [];
  const b = rest === undefined ? [] : rest ? rest.split(":") : [];
  const groups = rest === undefined ? a : [...a, ...Array<string>(8 - a.length - b.length).fill("0"), ...b];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || "0", 16));
  return n;
}
