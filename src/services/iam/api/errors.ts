import { QueryApiError } from "../../../core/query-api.js";

/**
 * IAM's errors with the codes, statuses and texts AWS answers (IAM API Reference, each action's
 * "Errors"; the texts as clients quote them, e.g. "The role with name x cannot be found.").
 */
export const noSuchRole = (name: string) => new QueryApiError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
export const noSuchRolePolicy = (name: string) => new QueryApiError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
export const noSuchPolicy = (arn: string) => new QueryApiError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
export const notAttachable = (arn: string) => new QueryApiError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
export const noSuchPolicyVersion = (arn: string, version: string) =>
  new QueryApiError("NoSuchEntity", `Policy ${arn} version ${version} does not exist or is not attachable.`, 404);

export const roleExists = (name: string) => new QueryApiError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
export const policyExists = (name: string) =>
  new QueryApiError("EntityAlreadyExists", `A policy called ${name} already exists. Duplicate names are not allowed.`, 409);

export const deleteConflict = {
  attachedPolicies: () => new QueryApiError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409),
  inlinePolicies: () => new QueryApiError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409),
  policyAttached: () => new QueryApiError("DeleteConflict", "Cannot delete a policy attached to entities.", 409),
  policyVersions: () =>
    new QueryApiError(
      "DeleteConflict",
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      409,
    ),
  defaultVersion: () => new QueryApiError("DeleteConflict", "Cannot delete the default version of a policy.", 409),
};

export const malformedPolicy = (message: string) => new QueryApiError("MalformedPolicyDocument", message);
export const limitExceeded = (message: string) => new QueryApiError("LimitExceeded", message, 409);
export const invalidInput = (message: string) => new QueryApiError("InvalidInput", message);
export const invalidArn = (arn: string) => invalidInput(`ARN ${arn} is not valid.`);
