import type { StackApi } from "../../../core/service.js";
import type { IamRecords } from "./records.js";

/**
 * The RoleId IAM recorded for a role ARN (`arn:aws:iam::<account>:role/<path>/<name>`), for STS's
 * AssumedRoleId; undefined when the role was not created through this IAM API.
 */
export function recordedRoleId(api: StackApi, arn: string): string | undefined {
  const name = /:role\/(?:[!-~]*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1];
  return name === undefined ? undefined : api.records<IamRecords>("iam")?.roles[name.toLowerCase()]?.RoleId;
}
