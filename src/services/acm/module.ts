import { apiOnlyService } from "../../core/api-only-service.js";
import { answerAcm, ACM_API_PROTOCOL } from "./handler.js";
import type { AcmDeps } from "./operations.js";
import type { AcmRecords } from "./records.js";

/**
 * ACM as a record-keeping stand-in (issue 11): certificates requested through the API are issued
 * at once by the local CA for their names and kept in the state dir's API records. The live
 * service offers the names an ARN covers (`certificateNames`), so a distribution's
 * `ViewerCertificate.ACMCertificateArn` and an HTTPS listener's `Certificates` are served with a
 * certificate for exactly those names. The stack file has no ACM section: nothing to bind or compile.
 */
export const ACM_SERVICE = apiOnlyService("acm", (ctx) => {
  const api = ctx.stackApi;
  const records = (): AcmRecords => api.records<AcmRecords>("acm") ?? { format: 1, certificates: {} };
  const deps: AcmDeps = {
    region: ctx.region,
    now: () => ctx.clock.now(),
    uuid: () => ctx.ids.uuid(),
    records,
    async change(edit) {
      const { result } = await api.mutate<unknown, AcmRecords>("acm", (draft) => {
        draft.records ??= { format: 1, certificates: {} };
        return edit(draft.records);
      });
      return result as never;
    },
    issue: (names) => ctx.certificateFor(names),
    inUseBy: (arn) => ctx.certificateUsers(arn),
  };
  return {
    controlPlane: { signingName: "acm", protocol: ACM_API_PROTOCOL, answer: answerAcm(deps) },
    certificateNames: (arn) => records().certificates[arn]?.SubjectAlternativeNames,
  };
});
