/**
 * CloudFront-Is-*-Viewer values from User-Agent (cloudfront.md §7.4). Several may be true at once.
 * The same answers feed the cache key and the origin request, so both import this one table.
 */
const MOBILE = /Mobile|Android|iPhone|iPod|BlackBerry|IEMobile|Opera Mini/i;
const TABLET = /iPad|Tablet|Kindle|Silk|PlayBook|Android(?!.*Mobile)/i;
const SMART_TV = /SmartTV|SMART-TV|HbbTV|AppleTV|GoogleTV|Roku|BRAVIA|NetCast|Tizen.*TV|Web0S/i;

/** `true`/`false` for a lower-case `cloudfront-is-*-viewer` name, undefined for any other name. */
export function viewerDeviceHeader(name: string, userAgent: string): string | undefined {
  switch (name) {
    case "cloudfront-is-mobile-viewer":
      return String(MOBILE.test(userAgent) && !TABLET.test(userAgent));
    case "cloudfront-is-tablet-viewer":
      return String(TABLET.test(userAgent));
    case "cloudfront-is-smarttv-viewer":
      return String(SMART_TV.test(userAgent));
    case "cloudfront-is-desktop-viewer":
      return String(!MOBILE.test(userAgent) && !TABLET.test(userAgent) && !SMART_TV.test(userAgent));
    case "cloudfront-is-ios-viewer":
      return String(/iPhone|iPad|iPod/.test(userAgent));
    case "cloudfront-is-android-viewer":
      return String(/Android/.test(userAgent));
    default:
      return undefined;
  }
}
