import { escapeXml } from "../../core/query-protocol.js";
import type { ApiAnswer, ApiCall, ApiProtocol } from "../../core/service.js";
import { Ec2ApiError, ec2Errors } from "./api-error.js";
import type { Ec2Context, Ec2Operation } from "./context.js";
import { EC2_ACTIONS } from "./ec2-actions.js";
import { parseEc2Params, read } from "./ec2-params.js";
import { ec2Response } from "./ec2-xml.js";
import * as sg from "./security-groups.js";
import * as tags from "./tags.js";
import * as vpcs from "./vpcs.js";

const VERSION = "2016-11-15";

const OPERATIONS: Record<string, Ec2Operation> = {
  CreateVpc: vpcs.createVpc,
  DescribeVpcs: vpcs.describeVpcs,
  DeleteVpc: vpcs.deleteVpc,
  DescribeVpcAttribute: vpcs.describeVpcAttribute,
  ModifyVpcAttribute: vpcs.modifyVpcAttribute,
  DescribeAvailabilityZones: vpcs.describeAvailabilityZones,
  CreateSubnet: vpcs.createSubnet,
  DescribeSubnets: vpcs.describeSubnets,
  DeleteSubnet: vpcs.deleteSubnet,
  ModifySubnetAttribute: vpcs.modifySubnetAttribute,
  DescribeRouteTables: vpcs.describeRouteTables,
  DescribeNetworkAcls: vpcs.describeNetworkAcls,
  DescribeInternetGateways: vpcs.describeEmpty("internetGatewaySet"),
  DescribeNetworkInterfaces: vpcs.describeEmpty("networkInterfaceSet"),
  DescribeVpcEndpoints: vpcs.describeEmpty("vpcEndpointSet"),
  DescribeNatGateways: vpcs.describeEmpty("natGatewaySet"),
  CreateSecurityGroup: sg.createSecurityGroup,
  DescribeSecurityGroups: sg.describeSecurityGroups,
  DeleteSecurityGroup: sg.deleteSecurityGroup,
  AuthorizeSecurityGroupIngress: sg.authorizeSecurityGroupIngress,
  AuthorizeSecurityGroupEgress: sg.authorizeSecurityGroupEgress,
  RevokeSecurityGroupIngress: sg.revokeSecurityGroupIngress,
  RevokeSecurityGroupEgress: sg.revokeSecurityGroupEgress,
  DescribeSecurityGroupRules: sg.describeSecurityGroupRules,
  ModifySecurityGroupRules: sg.modifySecurityGroupRules,
  UpdateSecurityGroupRuleDescriptionsIngress: sg.updateSecurityGroupRuleDescriptionsIngress,
  UpdateSecurityGroupRuleDescriptionsEgress: sg.updateSecurityGroupRuleDescriptionsEgress,
  CreateTags: tags.createTags,
  DeleteTags: tags.deleteTags,
  DescribeTags: tags.describeTags,
};

/**
 * The EC2 API (ec2 protocol, 2016-11-15) on the loopback endpoint, called by `aws-api/` with the
 * body read and the signature verified: the form's Action picks the operation; answers are EC2's
 * XML, errors EC2's `<Response><Errors>` envelope. `DryRun=true` answers DryRunOperation and
 * changes nothing, as EC2 does for a caller allowed to act.
 */
export function answerEc2(ctx: Ec2Context): (call: ApiCall) => Promise<ApiAnswer> {
  return async (call) => {
    const id = call.requestId;
    const xml = (status: number, body: string): ApiAnswer => ({ status, headers: { "content-type": "text/xml;charset=UTF-8" }, body });
    try {
      const form = call.method === "POST" ? call.body.toString("utf8") : call.query.toString();
      const params = parseEc2Params(form);
      const action = read.string(params, "Action");
      if (action === undefined) throw new Ec2ApiError("MissingAction", "The request must contain the parameter Action");
      if (read.string(params, "Version") !== undefined && read.string(params, "Version") !== VERSION)
        throw new Ec2ApiError("InvalidAction", `The action ${action} is not valid for this web service.`);
      const op = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
      if (!op) {
        if (EC2_ACTIONS.has(action))
          throw new Ec2ApiError("NotImplemented", `edgeparity does not implement the EC2 operation ${action} yet; nothing was changed.`, 501);
        throw new Ec2ApiError("InvalidAction", `The action ${action} is not valid for this web service.`);
      }
      if (read.string(params, "DryRun") === "true") throw ec2Errors.dryRun();
      return xml(200, ec2Response(action, await op(params, ctx), id));
    } catch (e) {
      if (e instanceof Ec2ApiError) return xml(e.status, ec2Error(e.code, e.message, id));
      throw e;
    }
  };
}

export const EC2_API_PROTOCOL: ApiProtocol = { kind: "ec2", title: "EC2" };

function ec2Error(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
