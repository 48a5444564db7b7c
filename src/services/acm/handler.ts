import type { ApiAnswer, ApiCall, ApiProtocol } from "../../core/service.js";
import { AcmApiError } from "./api-error.js";
import * as ops from "./operations.js";
import type { AcmDeps, AcmOperation } from "./operations.js";

const OPERATIONS: Record<string, AcmOperation> = {
  RequestCertificate: ops.requestCertificate,
  DescribeCertificate: ops.describeCertificate,
  ListCertificates: ops.listCertificates,
  GetCertificate: ops.getCertificate,
  DeleteCertificate: ops.deleteCertificate,
  AddTagsToCertificate: ops.addTagsToCertificate,
  RemoveTagsFromCertificate: ops.removeTagsFromCertificate,
  ListTagsForCertificate: ops.listTagsForCertificate,
  UpdateCertificateOptions: ops.updateCertificateOptions,
  ImportCertificate: ops.importCertificate,
};

/** ACM actions (API 2015-12-08, as @aws-sdk/client-acm lists them) not served: answered 501 NotImplemented naming them. */
const KNOWN_UNSERVED = new Set([
  "ExportCertificate",
  "GetAccountConfiguration",
  "PutAccountConfiguration",
  "RenewCertificate",
  "ResendValidationEmail",
  "RevokeCertificate",
  "SearchCertificates",
  "ListCertificateDomainValidations",
  "TagResource",
  "UntagResource",
  "ListTagsForResource",
  "CreateAcmeDomainValidation",
  "CreateAcmeEndpoint",
  "CreateAcmeExternalAccountBinding",
  "DeleteAcmeDomainValidation",
  "DeleteAcmeEndpoint",
  "DeleteAcmeExternalAccountBinding",
  "DescribeAcmeAccount",
  "DescribeAcmeDomainValidation",
  "DescribeAcmeEndpoint",
  "DescribeAcmeExternalAccountBinding",
  "GetAcmeExternalAccountBindingCredentials",
  "ListAcmeAccounts",
  "ListAcmeDomainValidations",
  "ListAcmeEndpoints",
  "ListAcmeExternalAccountBindings",
  "RevokeAcmeAccount",
  "RevokeAcmeExternalAccountBinding",
  "UpdateAcmeDomainValidation",
  "UpdateAcmeEndpoint",
]);

const CONTENT_TYPE = "application/x-amz-json-1.1";

/**
 * ACM's JSON 1.1 API on the loopback endpoint: `X-Amz-Target: CertificateManager.<Action>` picks
 * the action; errors are `{"__type", "message"}` with `x-amzn-ErrorType`. A target that names no
 * ACM action is `UnknownOperationException`, as the JSON protocol answers it.
 */
export function answerAcm(deps: AcmDeps): (call: ApiCall) => Promise<ApiAnswer> {
  return async (call) => {
    const json = (status: number, value: unknown, errorType?: string): ApiAnswer => ({
      status,
      headers: { "content-type": CONTENT_TYPE, ...(errorType ? { "x-amzn-errortype": errorType } : {}) },
      body: JSON.stringify(value),
    });
    try {
      const target = call.headers["x-amz-target"];
      const [prefix, action] = typeof target === "string" ? target.split(".", 2) : [];
      if (call.method !== "POST" || prefix !== "CertificateManager" || action === undefined)
        throw new AcmApiError("UnknownOperationException", "The operation is not supported by this service.");
      const op = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
      if (!op) {
        if (KNOWN_UNSERVED.has(action))
          throw new AcmApiError("NotImplemented", `edgeparity does not implement the ACM operation ${action} yet; nothing was changed.`, 501);
        throw new AcmApiError("UnknownOperationException", `The operation ${action} is not supported by this service.`);
      }
      let input: unknown;
      try {
        input = call.body.length ? JSON.parse(call.body.toString("utf8")) : {};
      } catch {
        throw new AcmApiError("SerializationException", "The request body is not valid JSON.");
      }
      if (typeof input !== "object" || input === null || Array.isArray(input))
        throw new AcmApiError("SerializationException", "The request body must be a JSON object.");
      return json(200, await op(input as Record<string, unknown>, deps));
    } catch (e) {
      if (e instanceof AcmApiError) return json(e.status, { __type: e.code, message: e.message }, e.code);
      throw e;
    }
  };
}

export const ACM_API_PROTOCOL: ApiProtocol = { kind: "json", title: "ACM" };
