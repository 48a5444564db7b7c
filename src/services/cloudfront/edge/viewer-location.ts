/**
 * Where a loopback viewer is "from", for CloudFront-Viewer-Country and CloudFront-Viewer-ASN
 * (cloudfront.md §7.4). AWS derives both from the viewer's IP; locally the stack says it in
 * `local.viewer: { country, asn }`. Default: US and AS16509 (Amazon's own ASN).
 */
export interface ViewerLocation {
  /** ISO 3166-1 alpha-2, upper-case. */
  country: string;
  asn: number;
}

export const DEFAULT_VIEWER: ViewerLocation = Object.freeze({ country: "US", asn: 16509 });
