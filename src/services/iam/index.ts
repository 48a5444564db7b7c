// IAM's door for other services (STS reads the RoleId IAM recorded for a role it is asked to assume).
export { recordedRoleId } from "./api/role-lookup.js";
export { uniqueId } from "./api/records.js";
