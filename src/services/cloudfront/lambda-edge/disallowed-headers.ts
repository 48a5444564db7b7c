// One list for every kind of edge code (schema/cloudfront-owned-headers.ts).
export { isDisallowedHeader } from "../schema/cloudfront-owned-headers.js";
