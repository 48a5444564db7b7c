/** IPv4 CIDR blocks as EC2 checks them: a network address with no host bits set, and containment. */
export interface Cidr {
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((a, o) => a * 256 + o, 0);
  return { base, prefix };
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Host bits are zero (`10.0.0.0/16`, not `10.0.0.1/16`). */
export function isNetworkAddress(c: Cidr): boolean {
  return c.base % size(c) === 0;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** Addresses a subnet offers: all but the five AWS reserves (VPC User Guide, "Subnet CIDR blocks"). */
export function availableAddresses(c: Cidr): number {
  return size(c) - 5;
}
