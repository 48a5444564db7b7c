import { apiOnlyService } from "../../core/api-only-service.js";
import type { Ec2Context } from "./context.js";
import { answerEc2, EC2_API_PROTOCOL } from "./handler.js";
import { initialRecords, type Ec2Records } from "./records.js";

/**
 * EC2 as a record-keeping stand-in (issue 11): VPCs, subnets and security groups a stack
 * references are created, described and deleted through the EC2 API and kept in the state dir's
 * API records, never enforced on traffic. The stack file has no EC2 section, so there is nothing
 * to bind or compile; the live service is its control plane alone.
 */
export const EC2_SERVICE = apiOnlyService("ec2", (sctx) => {
  const api = sctx.stackApi;
  const current = (): Ec2Records => api.records<Ec2Records>("ec2") ?? initialRecords(sctx.region);
  const ctx: Ec2Context = {
    region: sctx.region,
    newId: (prefix) => `${prefix}-${sctx.ids.uuid().replace(/-/g, "").slice(0, 17)}`,
    records: current,
    async change(edit) {
      const { result } = await api.mutate<unknown, Ec2Records>("ec2", (draft) => {
        draft.records ??= initialRecords(sctx.region);
        return edit(draft.records);
      });
      return result as never;
    },
  };
  return { controlPlane: { signingName: "ec2", protocol: EC2_API_PROTOCOL, answer: answerEc2(ctx) } };
});
