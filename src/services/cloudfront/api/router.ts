import type { ApiAnswer, ApiCall } from "../../../core/service.js";
import { CloudFrontApiError, errorAnswer } from "./api-errors.js";
import { DISTRIBUTION_OPERATIONS } from "./distributions.js";
import { FUNCTION_OPERATIONS } from "./functions.js";
import { INVALIDATION_OPERATIONS } from "./invalidations.js";
import { KEY_OPERATIONS } from "./key-groups.js";
import { KEY_VALUE_STORE_OPERATIONS } from "./key-value-stores.js";
import type { CloudFrontApiContext, Operation } from "./operation.js";
import { POLICY_OPERATIONS } from "./policies.js";
import { TAGGING_OPERATIONS } from "./tagging.js";

/**
 * CloudFront's REST-XML API (2020-05-31) as the service's `controlPlane.answer`: the operation from
 * method + path (+ the query a route needs), run, and its CloudFrontApiError written as
 * `<ErrorResponse>` — the one catch point of an operation. A request no route matches answers
 * `undefined`, which aws-api/ turns into NotImplemented naming the operation (e.g. streaming
 * distributions; the KeyValueStore data plane is another service, `cloudfront-keyvaluestore`).
 */
const API_PREFIX = "/2020-05-31";

export const CLOUDFRONT_OPERATIONS: readonly Operation[] = [
  ...DISTRIBUTION_OPERATIONS,
  ...INVALIDATION_OPERATIONS,
  ...POLICY_OPERATIONS,
  ...KEY_OPERATIONS,
  ...TAGGING_OPERATIONS,
  ...FUNCTION_OPERATIONS,
  ...KEY_VALUE_STORE_OPERATIONS,
];

interface Route {
  op: Operation;
  method: string;
  pattern: RegExp;
}

/** Path templates compiled once: `{Id}` is one path segment. */
function compileRoutes(ops: readonly Operation[]): Route[] {
  return ops.map((op) => ({
    op,
    method: op.method,
    pattern: new RegExp(`^${API_PREFIX}${op.path.replace(/\{Id\}/g, "([^/]+)")}$`),
  }));
}

export function cloudFrontApi(ctx: CloudFrontApiContext, ops: readonly Operation[] = CLOUDFRONT_OPERATIONS): (call: ApiCall) => Promise<ApiAnswer | undefined> {
  const routes = compileRoutes(ops);
  return async (call) => {
    for (const r of routes) {
      if (r.method !== call.method) continue;
      const m = r.pattern.exec(call.path);
      if (!m) continue;
      const q = r.op.query;
      if (q && (q[1] === undefined ? !call.query.has(q[0]) : call.query.get(q[0]) !== q[1])) continue;
      try {
        return await r.op.run(call, m.slice(1).map(decodeURIComponent), ctx);
      } catch (e) {
        if (e instanceof CloudFrontApiError) return errorAnswer(e, call.requestId);
        throw e;
      }
    }
    return undefined;
  };
}
