/**
 * Does a certificate name cover a host? The name itself, or a wildcard `*.parent` for exactly one
 * label under `parent` (RFC 6125 §6.4.3, as CloudFront checks aliases against a certificate and
 * browsers check SNI names). Both lower-case.
 */
export function isCoveredBy(host: string, certificateName: string): boolean {
  if (host === certificateName) return true;
  if (!certificateName.startsWith("*.")) return false;
  const parent = certificateName.slice(1);
  return host.endsWith(parent) && host.length > parent.length && !host.slice(0, host.length - parent.length).includes(".");
}
