/**
 * An EC2 API error: AWS's code and message, with the HTTP status it travels with (400 unless
 * said). Codes and wording as the EC2 API answers them ("Error codes for the Amazon EC2 API").
 */
export class Ec2ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const ec2Errors = {
  vpcNotFound: (id: string) => new Ec2ApiError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`),
  subnetNotFound: (id: string) => new Ec2ApiError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`),
  groupNotFound: (id: string) => new Ec2ApiError("InvalidGroup.NotFound", `The security group '${id}' does not exist`),
  groupNameNotFound: (name: string, vpc: string) =>
    new Ec2ApiError("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC '${vpc}'`),
  groupDuplicate: (name: string, vpc: string) => new Ec2ApiError("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpc}'`),
  ruleNotFound: (id: string) => new Ec2ApiError("InvalidSecurityGroupRuleId.NotFound", `The security group rule ID '${id}' does not exist`),
  permissionDuplicate: (rule: string) => new Ec2ApiError("InvalidPermission.Duplicate", `the specified rule "${rule}" already exists`),
  permissionNotFound: () => new Ec2ApiError("InvalidPermission.NotFound", "The specified rule does not exist in this security group."),
  dependencyViolation: (kind: "vpc" | "subnet", id: string) =>
    new Ec2ApiError("DependencyViolation", `The ${kind} '${id}' has dependencies and cannot be deleted.`),
  groupInUse: (id: string) => new Ec2ApiError("DependencyViolation", `resource ${id} has a dependent object`),
  cannotDeleteDefault: (id: string) => new Ec2ApiError("CannotDelete", `the specified group: "${id}" name: "default" cannot be deleted by a user`),
  vpcRange: (cidr: string) => new Ec2ApiError("InvalidVpc.Range", `The CIDR '${cidr}' is invalid.`),
  subnetRange: (cidr: string) => new Ec2ApiError("InvalidSubnet.Range", `The CIDR '${cidr}' is invalid.`),
  subnetConflict: (cidr: string) => new Ec2ApiError("InvalidSubnet.Conflict", `The CIDR '${cidr}' conflicts with another subnet`),
  invalidCidr: (cidr: string, parameter: string) =>
    new Ec2ApiError("InvalidParameterValue", `Value (${cidr}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`),
  invalidValue: (value: string, parameter: string, why = "") =>
    new Ec2ApiError("InvalidParameterValue", `Value (${value}) for parameter ${parameter} is invalid.${why ? ` ${why}` : ""}`),
  invalidFilter: (name: string) => new Ec2ApiError("InvalidParameterValue", `The filter '${name}' is invalid`),
  missing: (parameter: string) => new Ec2ApiError("MissingParameter", `The request must contain the parameter ${parameter}`),
  malformedId: (id: string, kind: string) => new Ec2ApiError(`Invalid${kind}ID.Malformed`, `Invalid id: "${id}"`),
  invalidId: (id: string) => new Ec2ApiError("InvalidID", `The ID '${id}' is not valid`),
  dryRun: () => new Ec2ApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
};
