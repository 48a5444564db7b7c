import { parseQueryParams, queryError, queryResponse, type QueryParams, type XmlValue } from "./query-protocol.js";
import type { ApiAnswer, ApiCall, ApiProtocol } from "./service.js";

/**
 * One AWS Query-protocol service as an `answer()` control plane (STS 2011-06-15, IAM 2010-05-08).
 * Steps: the parameters from the query string and the form body → `Action` picks the operation
 * (an action AWS has that edgeparity does not serve: `501 NotImplemented` naming it; any other:
 * `400 InvalidAction`, AWS's common error for an unknown action) → the operation's result as
 * `<ActionResponse><ActionResult>` → a thrown `QueryApiError` as the service's `<ErrorResponse>`.
 */
export class QueryApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type QueryOperation = (params: QueryParams, call: ApiCall) => Promise<XmlValue> | XmlValue;

export interface QueryService {
  protocol: ApiProtocol & { xmlns: string };
  /** The API version the service answers (`Version=` of every request). */
  version: string;
  operations: Readonly<Record<string, QueryOperation>>;
  /** Every other action the service's API has (its SDK model's operations), answered 501. */
  unserved: ReadonlySet<string>;
}

export function answerQuery(service: QueryService): (call: ApiCall) => Promise<ApiAnswer> {
  const { xmlns, title } = service.protocol;
  return async (call) => {
    const xml = (status: number, body: string): ApiAnswer => ({ status, headers: { "content-type": "text/xml" }, body });
    try {
      // AWS's Query APIs take the parameters in the query string (GET, presigned URLs) or the form body (POST).
      const form = [call.query.toString(), call.method === "POST" ? call.body.toString("utf8") : ""].filter((s) => s !== "").join("&");
      const params = parseQueryParams(form);
      const action = typeof params.Action === "string" ? params.Action : undefined;
      if (action === undefined) throw new QueryApiError("MissingAction", "Missing Action");
      const version = typeof params.Version === "string" ? params.Version : service.version;
      const op = version === service.version && Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
      if (!op) {
        if (version === service.version && service.unserved.has(action))
          throw new QueryApiError("NotImplemented", `edgeparity does not implement the ${title} operation ${action} yet; nothing was changed.`, 501);
        throw new QueryApiError("InvalidAction", `Could not find operation ${action} for version ${version}`);
      }
      return xml(200, queryResponse(action, xmlns, await op(params, call), call.requestId));
    } catch (e) {
      if (!(e instanceof QueryApiError)) throw e;
      return xml(e.status, queryError(xmlns, e.status >= 500 ? "Receiver" : "Sender", e.code, e.message, call.requestId));
    }
  };
}

/** A string parameter; an empty one counts as absent (SDKs send `Member=` for unset optional members). */
export function queryString(params: QueryParams, key: string): string | undefined {
  const v = params[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A list parameter (`Key.member.N`), empty when absent. */
export function queryList(params: QueryParams, key: string): QueryParams[keyof QueryParams][] {
  const v = params[key];
  return Array.isArray(v) ? v : [];
}

/** The Query APIs' parameter names in messages are the member's lowerCamel (`roleName`). */
const memberName = (key: string) => `${key.charAt(0).toLowerCase()}${key.slice(1)}`;

/** AWS's constraint message (`1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: …`) as a ValidationError. */
export function constraintViolation(key: string, value: string | null, constraint: string): QueryApiError {
  const shown = value === null ? "null" : `'${value}'`;
  return new QueryApiError(
    "ValidationError",
    `1 validation error detected: Value ${shown} at '${memberName(key)}' failed to satisfy constraint: ${constraint}`,
  );
}

export function queryRequired(params: QueryParams, key: string): string {
  const v = queryString(params, key);
  if (v === undefined) throw constraintViolation(key, null, "Member must not be null");
  return v;
}

/** An integer parameter within [min, max], or undefined when absent. */
export function queryInteger(params: QueryParams, key: string, min: number, max: number): number | undefined {
  const raw = queryString(params, key);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw constraintViolation(key, raw, "Member must be a number");
  const n = Number(raw);
  if (n < min) throw constraintViolation(key, raw, `Member must have value greater than or equal to ${min}`);
  if (n > max) throw constraintViolation(key, raw, `Member must have value less than or equal to ${max}`);
  return n;
}

export function queryBoolean(params: QueryParams, key: string): boolean | undefined {
  const raw = queryString(params, key);
  if (raw === undefined) return undefined;
  if (raw !== "true" && raw !== "false") throw constraintViolation(key, raw, "Member must be a boolean");
  return raw === "true";
}
