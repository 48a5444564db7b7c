import type { ApiAnswer, ApiCall, ApiProtocol } from "../../../core/service.js";
import { EdgeparityError } from "../../../core/errors.js";
import { parseQueryParams, queryError, queryResponse } from "../../../core/query-protocol.js";
import { Elbv2ApiError } from "./api-error.js";
import type { Elbv2ApiDeps } from "./elbv2-state.js";
import { OPERATIONS, operationParams } from "./operations.js";

const XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
const VERSION = "2015-12-01";

/**
 * Every ELBv2 action AWS has (API 2015-12-01) that edgeparity does not serve: answered 501
 * NotImplemented naming it, nothing changed. Any other Action is AWS's `InvalidAction`.
 */
const KNOWN_UNSERVED = new Set([
  "AddListenerCertificates",
  "AddTrustStoreRevocations",
  "CreateTrustStore",
  "DeleteSharedTrustStoreAssociation",
  "DeleteTrustStore",
  "DescribeAccountLimits",
  "DescribeListenerCertificates",
  "DescribeSSLPolicies",
  "DescribeTrustStoreAssociations",
  "DescribeTrustStoreRevocations",
  "DescribeTrustStores",
  "GetResourcePolicy",
  "GetTrustStoreCaCertificatesBundle",
  "GetTrustStoreRevocationContent",
  "ModifyCapacityReservation",
  "ModifyIpPools",
  "ModifyTrustStore",
  "RemoveListenerCertificates",
  "RemoveTrustStoreRevocations",
  "SetIpAddressType",
  "SetSecurityGroups",
  "SetSubnets",
]);

/**
 * The ELBv2 Query API on the loopback endpoint (`--endpoint-url http://localhost:<port>`), called
 * by `aws-api/` with the body read and the signature verified: the form's Action picks the
 * operation; errors are ELBv2's `<ErrorResponse>` with AWS's codes.
 */
export function answerElbv2(deps: Elbv2ApiDeps): (call: ApiCall) => Promise<ApiAnswer> {
  return async (call) => {
    const id = call.requestId;
    const xml = (status: number, body: string): ApiAnswer => ({ status, headers: { "content-type": "text/xml" }, body });
    try {
      const form = call.method === "POST" ? call.body.toString("utf8") : call.query.toString();
      const raw = parseQueryParams(form);
      const action = typeof raw.Action === "string" ? raw.Action : undefined;
      if (action === undefined) throw new Elbv2ApiError("MissingAction", "Missing Action");
      if (typeof raw.Version === "string" && raw.Version !== VERSION)
        throw new Elbv2ApiError("InvalidAction", `Could not find operation ${action} for version ${raw.Version}`);
      const op = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
      if (!op) {
        if (KNOWN_UNSERVED.has(action))
          throw new Elbv2ApiError(
            "NotImplemented",
            `edgeparity does not implement the Elastic Load Balancing operation ${action} yet; nothing was changed.`,
            501,
          );
        throw new Elbv2ApiError("InvalidAction", `Could not find operation ${action} for version ${VERSION}`);
      }
      const result = await op(operationParams(raw), deps);
      return xml(200, queryResponse(action, XMLNS, result, id));
    } catch (e) {
      if (e instanceof Elbv2ApiError) return xml(e.status, queryError(XMLNS, e.status >= 500 ? "Receiver" : "Sender", e.code, e.message, id));
      // A change the stack's own checks refuse (the same parse as a stack file) is a ValidationError.
      if (e instanceof EdgeparityError) {
        const { code, message } = firstProblem(e.message);
        return xml(400, queryError(XMLNS, "Sender", code, message, id));
      }
      throw e;
    }
  };
}

export const ELBV2_API_PROTOCOL: ApiProtocol = { kind: "query", xmlns: XMLNS, title: "Elastic Load Balancing" };

/**
 * The stack's refusal (`<file>: the stack is not valid:` then `  <path>: <Code>: message` lines) as
 * one API error: the first problem's AWS code and message, the field path kept where it has no code.
 */
function firstProblem(text: string): { code: string; message: string } {
  const line = text
    .split("\n")
    .find((l) => /^\s+\S/.test(l))
    ?.trim();
  if (line === undefined) return { code: "ValidationError", message: text };
  const m = /^(\S+): ([A-Z][A-Za-z]+): (.*)$/.exec(line);
  return m ? { code: m[2]!, message: m[3]! } : { code: "ValidationError", message: line };
}
