import { answerQuery } from "../../../core/query-api.js";
import type { ApiAnswer, ApiCall, ApiProtocol } from "../../../core/service.js";
import type { IamDeps } from "./iam-state.js";
import { policyOperations } from "./policies.js";
import { rolePolicyOperations } from "./role-policies.js";
import { roleOperations } from "./roles.js";

export const IAM_API_PROTOCOL: ApiProtocol & { xmlns: string } = { kind: "query", xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", title: "IAM" };

/**
 * Every other action of the IAM API (2010-05-08, the SDK model's operations): answered 501
 * NotImplemented naming it, nothing changed. Users, groups, instance profiles, providers,
 * credentials and reports are not kept.
 */
const UNSERVED = new Set(
  (
    "AcceptDelegationRequest AcquireRole AddClientIDToOpenIDConnectProvider AddRoleToInstanceProfile AddUserToGroup AssociateDelegationRequest " +
    "AttachGroupPolicy AttachUserPolicy ChangePassword CreateAccessKey CreateAccountAlias CreateDelegationRequest CreateGroup " +
    "CreateInstanceProfile CreateLoginProfile CreateOpenIDConnectProvider CreateSAMLProvider CreateServiceLinkedRole " +
    "CreateServiceSpecificCredential CreateUser CreateVirtualMFADevice DeactivateMFADevice DeleteAccessKey DeleteAccountAlias " +
    "DeleteAccountPasswordPolicy DeleteGroup DeleteGroupPolicy DeleteInstanceProfile DeleteLoginProfile DeleteOpenIDConnectProvider " +
    "DeleteRolePermissionsBoundary DeleteSAMLProvider DeleteSSHPublicKey DeleteServerCertificate DeleteServiceLinkedRole " +
    "DeleteServiceSpecificCredential DeleteSigningCertificate DeleteUser DeleteUserPermissionsBoundary DeleteUserPolicy " +
    "DeleteVirtualMFADevice DetachGroupPolicy DetachUserPolicy DisableOrganizationsRootCredentialsManagement DisableOrganizationsRootSessions " +
    "DisableOutboundWebIdentityFederation EnableMFADevice EnableOrganizationsRootCredentialsManagement EnableOrganizationsRootSessions " +
    "EnableOutboundWebIdentityFederation GenerateCredentialReport GenerateOrganizationsAccessReport GenerateServiceLastAccessedDetails " +
    "GetAccessKeyLastUsed GetAccountAuthorizationDetails GetAccountPasswordPolicy GetAccountProperties GetAccountSummary " +
    "GetContextKeysForCustomPolicy GetContextKeysForPrincipalPolicy GetCredentialReport GetDelegationRequest GetGroup GetGroupPolicy " +
    "GetHumanReadableSummary GetInstanceProfile GetLoginProfile GetMFADevice GetOpenIDConnectProvider GetOrganizationsAccessReport " +
    "GetOutboundWebIdentityFederationInfo GetRoleTemplateVersion GetSAMLProvider GetSSHPublicKey GetServerCertificate " +
    "GetServiceLastAccessedDetails GetServiceLastAccessedDetailsWithEntities GetServiceLinkedRoleDeletionStatus GetUser GetUserPolicy " +
    "ListAccessKeys ListAccountAliases ListAttachedGroupPolicies ListAttachedUserPolicies ListDelegationRequests ListEntitiesForPolicy " +
    "ListGroupPolicies ListGroups ListGroupsForUser ListInstanceProfileTags ListInstanceProfiles ListMFADeviceTags ListMFADevices " +
    "ListOpenIDConnectProviderTags ListOpenIDConnectProviders ListOrganizationsFeatures ListPoliciesGrantingServiceAccess " +
    "ListSAMLProviderTags ListSAMLProviders ListSSHPublicKeys ListServerCertificateTags ListServerCertificates " +
    "ListServiceSpecificCredentials ListSigningCertificates ListUserPolicies ListUserTags ListUsers ListVirtualMFADevices " +
    "PutAccountProperties PutGroupPolicy PutRolePermissionsBoundary PutUserPermissionsBoundary PutUserPolicy RejectDelegationRequest " +
    "RemoveClientIDFromOpenIDConnectProvider RemoveRoleFromInstanceProfile RemoveUserFromGroup ResetServiceSpecificCredential " +
    "ResyncMFADevice SendDelegationToken SetSecurityTokenServicePreferences SimulateCustomPolicy SimulatePrincipalPolicy " +
    "TagInstanceProfile TagMFADevice TagOpenIDConnectProvider TagSAMLProvider TagServerCertificate TagUser UntagInstanceProfile " +
    "UntagMFADevice UntagOpenIDConnectProvider UntagSAMLProvider UntagServerCertificate UntagUser UpdateAccessKey " +
    "UpdateAccountPasswordPolicy UpdateDelegationRequest UpdateGroup UpdateLoginProfile UpdateOpenIDConnectProviderThumbprint " +
    "UpdateSAMLProvider UpdateSSHPublicKey UpdateServerCertificate UpdateServiceSpecificCredential UpdateSigningCertificate UpdateUser " +
    "UploadSSHPublicKey UploadServerCertificate UploadSigningCertificate"
  ).split(" "),
);

/**
 * The IAM Query API (2010-05-08) on the loopback endpoint, as record keeping: roles, customer
 * managed policies, attachments and inline policies are kept and described as IAM describes them;
 * nothing is ever enforced (issue 11 "described, never enforced").
 */
export function answerIam(d: IamDeps): (call: ApiCall) => Promise<ApiAnswer> {
  return answerQuery({
    protocol: IAM_API_PROTOCOL,
    version: "2010-05-08",
    operations: { ...roleOperations(d), ...policyOperations(d), ...rolePolicyOperations(d) },
    unserved: UNSERVED,
  });
}
