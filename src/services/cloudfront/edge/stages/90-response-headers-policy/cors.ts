import { matchesAllowedOrigin, type CorsPlan } from "../../../compile/response-headers-policy.js";
import type { EdgeContext } from "../../edge-context.js";

/**
 * CorsConfig (cloudfront.md §6.2). Only a CORS request — one with `Origin` — whose origin the
 * policy allows gets CORS headers. Access-Control-Allow-Origin, -Allow-Credentials and
 * -Expose-Headers go on every such response; -Allow-Methods, -Allow-Headers and -Max-Age only on
 * a preflight (OPTIONS with Access-Control-Request-Method), as the DG words each of them ("in
 * responses to CORS preflight requests"). CloudFront does not answer a preflight itself: OPTIONS
 * must be an allowed method and goes to the cache or the origin like any request; the policy
 * decorates the answer (an origin's 403/405 to OPTIONS stays one, and the browser fails the
 * preflight). OriginOverride works per header: false keeps a header the origin sent.
 * Choice (UNCONFIRMED in §6.2): no `Vary: Origin` is added, since AWS documents none.
 */
export function applyCors(ctx: EdgeContext, cors: CorsPlan, out: Record<string, string | string[]>): void {
  const origin = ctx.req.headers.origin;
  if (origin === undefined || !matchesAllowedOrigin(cors, origin)) return;
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && (cors.originOverride || out[name] === undefined)) out[name] = value;
  };
  // `*` only when every origin is allowed without credentials (the schema refuses `*` with credentials).
  set("access-control-allow-origin", cors.isAnyOrigin && !cors.allowCredentials ? "*" : origin);
  if (cors.allowCredentials) set("access-control-allow-credentials", "true");
  set("access-control-expose-headers", cors.exposeHeaders);
  if (ctx.method === "OPTIONS" && ctx.req.headers["access-control-request-method"] !== undefined) {
    set("access-control-allow-methods", cors.allowMethods);
    set("access-control-allow-headers", cors.allowHeaders);
    set("access-control-max-age", cors.maxAge);
  }
}
