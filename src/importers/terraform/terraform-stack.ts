import { existsSync } from "node:fs";
import { posix, resolve } from "node:path";
import { findUnbound } from "../binding-report.js";
import { ACCOUNT_ID, REGION } from "../cloudformation/physical-names.js";
import type { ImportResult, ImportWarning, SourcePosition } from "../importer.js";
import { apiIdOf, assignedAttribute, physicalName } from "./assigned-attributes.js";
import type { ResourceInstance } from "./resource-instance.js";
import { toHttpApi, toHttpIntegration, toIntegrationResponse, toMethod, toRestIntegration } from "./resources/apigateway.js";
import {
  DISTRIBUTION_ARGS,
  toArgumentPath,
  toCachePolicyConfig,
  toDistributionConfig,
  toOriginAccessControlConfig,
  toOriginRequestPolicyConfig,
  toResponseHeadersPolicyConfig,
  type IndexMaps,
} from "./resources/cloudfront.js";
import { LB_ARGS, TG_ARGS, toListener, toLoadBalancer, toRule, toTargetGroup } from "./resources/elbv2.js";
import { toCorsConfiguration, toWebsiteConfiguration } from "./resources/s3.js";
import { block, isRecord, isSet, type Values } from "./resources/values.js";

/**
 * Resource instances (from a folder or a plan) → stack input. Steps: buckets, CloudFront policies,
 * OACs and distributions; target groups and load balancers; listeners, rules, attachments; the
 * bucket's separate configuration resources; Lambda functions and their local code; API Gateway
 * REST and HTTP APIs. Then the binding report (what has no local stand-in, with the `local:` lines
 * to add) and one "not emulated" warning per resource of any other type.
 */

export interface StackContext {
  instances: readonly ResourceInstance[];
  /** The root module's folder: handler files resolve against it (Terraform's working directory). */
  rootDir: string;
  files: string[];
  warnings: ImportWarning[];
  overlayLocal: Record<string, unknown>;
  /** File named on warnings that have no position (a plan JSON). */
  defaultFile: string;
}

/** Types kept in the model but not emulated yet (being added on other branches): one warning per resource. */
const NOT_YET = new Map<string, string>([]);

/** Types read for their effect elsewhere, or meaningless locally: no warning. */
export const IGNORED_TYPES: ReadonlySet<string> = new Set([
  "aws_lambda_permission",
  "aws_api_gateway_deployment",
  "aws_api_gateway_method_response",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_acl",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_iam_policy",
]);

type Source = { stack: (string | number)[]; inst: ResourceInstance; translate: (rest: (string | number)[]) => (string | number)[] };

export function buildStack(c: StackContext): ImportResult {
  const out = {
    distributions: {} as Record<string, Values>,
    cachePolicies: {} as Record<string, Values>,
    originRequestPolicies: {} as Record<string, Values>,
    originAccessControls: {} as Record<string, Values>,
    responseHeadersPolicies: {} as Record<string, Values>,
    functions: {} as Record<string, Values>,
    keyValueStores: {} as Record<string, Values>,
    loadBalancers: [] as Values[],
    targetGroups: [] as Values[],
    buckets: {} as Record<string, Values>,
    restApis: {} as Record<string, Values>,
    httpApis: {} as Record<string, Values>,
  };
  const local = {
    targetGroups: {} as Record<string, { targets: unknown[] }>,
    functions: {} as Record<string, Values>,
    restApis: {} as Record<string, Values>,
    httpApis: {} as Record<string, Values>,
  };
  const sources: Source[] = [];
  const handled = new Set<ResourceInstance>();
  const warn = (inst: ResourceInstance | undefined, path: string, message: string, argPath: (string | number)[] = []) => {
    const at = inst?.locate(argPath) ?? inst?.at;
    c.warnings.push({ file: at?.file ?? inst?.file ?? c.defaultFile, ...(at ? { line: at.line, column: at.column } : {}), path, message });
  };
  // A plan lists resources by address; a folder is read in that order too, so both give one model.
  const ordered = [...c.instances].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const ofType = (...types: string[]) => ordered.filter((i) => i.mode === "managed" && types.includes(i.type));
  /** Every id/ARN an instance is known by (assigned, or the state's own) → the instance. */
  const byRef = new Map<string, ResourceInstance>();
  for (const inst of c.instances) {
    for (const attr of ["id", "arn", "root_resource_id"]) {
      const a = assignedAttribute(inst.facts, attr);
      if (typeof a === "string") byRef.set(a, inst);
      const v = inst.values[attr];
      if (typeof v === "string" && v) byRef.set(v, inst);
    }
  }
  const ref = (v: unknown, ...types: string[]) => {
    const inst = typeof v === "string" ? byRef.get(v) : undefined;
    return inst && types.includes(inst.type) ? inst : undefined;
  };
  const unknownArgs = (inst: ResourceInstance, known: ReadonlySet<string>) => {
    for (const [k, v] of Object.entries(inst.values))
      if (!known.has(k) && isSet(v) && !COMPUTED.has(k)) warn(inst, `${inst.address}.${k}`, `${inst.type} argument ${k} is not emulated; ignored`, [k]);
  };

  // --- S3 ------------------------------------------------------------------------------------
  const bucketName = new Map<ResourceInstance, string>();
  for (const inst of ofType("aws_s3_bucket")) {
    const name = physicalName(inst.facts);
    bucketName.set(inst, name);
    out.buckets[name] = {};
    handled.add(inst);
    sources.push({ stack: ["buckets", name], inst, translate: () => [] });
    unknownArgs(inst, new Set(["bucket", "bucket_prefix", "force_destroy", "tags", "tags_all", "object_lock_enabled"]));
  }
  const bucketOf = (inst: ResourceInstance) => {
    const b = inst.values.bucket;
    const named = typeof b === "string" ? (out.buckets[b] ? b : [...bucketName].find(([i]) => i.values.id === b)?.[1]) : undefined;
    if (!named)
      warn(inst, `${inst.address}.bucket`, `${inst.type} names bucket ${JSON.stringify(b)}, which is not a bucket of this configuration; ignored`, ["bucket"]);
    return named;
  };
  for (const [type, field, map] of [
    ["aws_s3_bucket_cors_configuration", "CORSConfiguration", toCorsConfiguration],
    ["aws_s3_bucket_website_configuration", "WebsiteConfiguration", toWebsiteConfiguration],
    ["aws_s3_bucket_policy", "Policy", (v: Values) => (typeof v.policy === "string" ? parsePolicy(v.policy) : v.policy)],
  ] as const)
    for (const inst of ofType(type)) {
      handled.add(inst);
      const name = bucketOf(inst);
      if (!name) continue;
      out.buckets[name]![field] = map(inst.values);
      sources.push({ stack: ["buckets", name, field], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
    }
  for (const inst of ofType("aws_s3_bucket_public_access_block")) {
    handled.add(inst);
    warn(inst, inst.address, "aws_s3_bucket_public_access_block is not emulated: buckets are reached through CloudFront's OAC or their policy");
  }

  // --- CloudFront ----------------------------------------------------------------------------
  for (const [type, section, map] of [
    ["aws_cloudfront_cache_policy", "cachePolicies", toCachePolicyConfig],
    ["aws_cloudfront_origin_request_policy", "originRequestPolicies", toOriginRequestPolicyConfig],
    ["aws_cloudfront_origin_access_control", "originAccessControls", toOriginAccessControlConfig],
    ["aws_cloudfront_response_headers_policy", "responseHeadersPolicies", toResponseHeadersPolicyConfig],
  ] as const)
    for (const inst of ofType(type)) {
      handled.add(inst);
      out[section][inst.key] = map(inst.values);
      sources.push({ stack: [section, inst.key], inst, translate: (r) => toArgumentPath(r, new Map()) });
    }
  // CloudFront Functions and their KeyValueStores (cloudfront.md §13), filed by name as CreateFunction
  // and CreateKeyValueStore name them. A store's data is a local JSON file only the overlay can name.
  const kvsFiles = isRecord(c.overlayLocal.keyValueStores) ? c.overlayLocal.keyValueStores : {};
  const kvsBound: Record<string, boolean> = {};
  const kvsName = new Map<ResourceInstance, string>();
  for (const inst of ofType("aws_cloudfront_key_value_store")) {
    handled.add(inst);
    const name = physicalName(inst.facts);
    const file = Object.entries(kvsFiles).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    kvsBound[name] = typeof file === "string";
    sources.push({ stack: ["keyValueStores", name], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
    unknownArgs(inst, new Set(["name", "comment", "timeouts"]));
    if (typeof file !== "string") continue;
    kvsName.set(inst, name);
    out.keyValueStores[name] = { ...(isSet(inst.values.comment) ? { Comment: inst.values.comment } : {}), file };
  }
  for (const inst of ofType("aws_cloudfront_function")) {
    handled.add(inst);
    const name = physicalName(inst.facts);
    const stores = Array.isArray(inst.values.key_value_store_associations) ? inst.values.key_value_store_associations : [];
    const arns = stores.flatMap((arn) => {
      const store = ref(arn, "aws_cloudfront_key_value_store");
      if (!store) return [arn];
      // A store left out (no local file) is reported once by the binding report; the association goes with it.
      const n = kvsName.get(store);
      return n ? [`arn:aws:cloudfront::${ACCOUNT_ID}:key-value-store/${n}`] : [];
    });
    out.functions[name] = {
      FunctionConfig: {
        Comment: typeof inst.values.comment === "string" ? inst.values.comment : "",
        Runtime: inst.values.runtime,
        ...(arns.length ? { KeyValueStoreAssociations: { Quantity: arns.length, Items: arns.map((a) => ({ KeyValueStoreARN: a })) } } : {}),
      },
      FunctionCode: inst.values.code,
    };
    sources.push({
      stack: ["functions", name],
      inst,
      translate: (r) =>
        r[0] === "FunctionCode"
          ? ["code"]
          : r.includes("KeyValueStoreAssociations")
            ? ["key_value_store_associations"]
            : r.slice(1).map((s) => (typeof s === "string" ? snake(s) : s)),
    });
    // publish = false keeps the code in the DEVELOPMENT stage only; locally associations run it all the same.
    if (inst.values.publish === false)
      warn(inst, `${inst.address}.publish`, "publish = false is not emulated: associations run the function's code as if it were published (LIVE stage)", [
        "publish",
      ]);
    unknownArgs(inst, new Set(["name", "runtime", "code", "comment", "key_value_store_associations", "publish", "live_stage_etag"]));
  }
  for (const inst of ofType("aws_cloudfront_distribution")) {
    handled.add(inst);
    const indexes: IndexMaps = new Map();
    out.distributions[inst.key] = toDistributionConfig(inst.values, indexes);
    sources.push({ stack: ["distributions", inst.key], inst, translate: (r) => toArgumentPath(r, indexes) });
    unknownArgs(inst, DISTRIBUTION_ARGS);
  }

  // --- ELBv2 ---------------------------------------------------------------------------------
  const tgName = new Map<ResourceInstance, string>();
  for (const inst of ofType("aws_lb_target_group", "aws_alb_target_group")) {
    handled.add(inst);
    const name = physicalName(inst.facts);
    tgName.set(inst, name);
    out.targetGroups.push(toTargetGroup(inst.values, name));
    sources.push({ stack: ["targetGroups", out.targetGroups.length - 1], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
    unknownArgs(inst, TG_ARGS);
  }
  const targetGroupName = (r: string) => {
    const inst = ref(r, "aws_lb_target_group", "aws_alb_target_group");
    return inst ? tgName.get(inst)! : (/:targetgroup\/([^/]+)\//.exec(r)?.[1] ?? r);
  };
  const lbIndex = new Map<ResourceInstance, number>();
  for (const inst of ofType("aws_lb", "aws_alb")) {
    handled.add(inst);
    const type = inst.values.load_balancer_type ?? "application";
    if (type !== "application") {
      warn(inst, inst.address, `a load balancer of type ${String(type)} is not emulated (only application); ignored with its listeners`, [
        "load_balancer_type",
      ]);
      continue;
    }
    out.loadBalancers.push(toLoadBalancer(inst.values, physicalName(inst.facts)));
    lbIndex.set(inst, out.loadBalancers.length - 1);
    sources.push({ stack: ["loadBalancers", out.loadBalancers.length - 1], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
    unknownArgs(inst, LB_ARGS);
  }
  const listeners = new Map<ResourceInstance, { listener: Values; lb: number; index: number }>();
  for (const inst of ofType("aws_lb_listener", "aws_alb_listener")) {
    handled.add(inst);
    const lb = ref(inst.values.load_balancer_arn, "aws_lb", "aws_alb");
    const i = lb === undefined ? undefined : lbIndex.get(lb);
    if (i === undefined) {
      warn(
        inst,
        inst.address,
        `listener is on ${JSON.stringify(inst.values.load_balancer_arn)}, not an application load balancer of this configuration; ignored`,
        ["load_balancer_arn"],
      );
      continue;
    }
    const listener = toListener(inst.values, targetGroupName);
    const list = out.loadBalancers[i]!.Listeners as Values[];
    list.push(listener);
    listeners.set(inst, { listener, lb: i, index: list.length - 1 });
    sources.push({ stack: ["loadBalancers", i, "Listeners", list.length - 1], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
  }
  // Rules are kept in priority order, the order ELBv2 evaluates them (alb.md §3).
  const byPriority = ofType("aws_lb_listener_rule", "aws_alb_listener_rule").sort((a, b) => Number(a.values.priority) - Number(b.values.priority));
  for (const inst of byPriority) {
    handled.add(inst);
    const l = [...listeners].find(([li]) => ref(inst.values.listener_arn, li.type) === li)?.[1];
    if (!l) {
      warn(inst, inst.address, `listener rule is on ${JSON.stringify(inst.values.listener_arn)}, not a listener of this configuration; ignored`, [
        "listener_arn",
      ]);
      continue;
    }
    const rules = l.listener.Rules as Values[];
    rules.push(toRule(inst.values, targetGroupName));
    sources.push({
      stack: ["loadBalancers", l.lb, "Listeners", l.index, "Rules", rules.length - 1],
      inst,
      translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)),
    });
  }

  // --- Lambda --------------------------------------------------------------------------------
  const fnBound: Record<string, boolean> = {};
  const fnFiles = new Map<string, { handler: string; export: string }>();
  const archives = c.instances.filter((i) => i.type === "archive_file");
  for (const inst of ofType("aws_lambda_function")) {
    handled.add(inst);
    const name = physicalName(inst.facts);
    const file = findHandler(inst, archives, c.rootDir);
    fnBound[name] = file !== undefined;
    if (file) {
      fnFiles.set(name, file);
      const env = block(inst.values.environment);
      const vars = isRecord(env?.variables) ? env.variables : undefined;
      local.functions[name] = {
        handler: file.handler,
        export: file.export,
        ...(typeof inst.values.runtime === "string" ? { Runtime: inst.values.runtime } : {}),
        ...(typeof inst.values.timeout === "number" && inst.values.timeout !== 3 ? { Timeout: inst.values.timeout } : {}),
        ...(typeof inst.values.memory_size === "number" && inst.values.memory_size !== 128 ? { MemorySize: inst.values.memory_size } : {}),
        ...(vars && Object.keys(vars).length ? { Environment: { Variables: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])) } } : {}),
      };
      sources.push({ stack: ["local", "functions", name], inst, translate: () => ["handler"] });
    }
  }
  for (const inst of ofType("aws_lb_target_group_attachment", "aws_alb_target_group_attachment")) {
    handled.add(inst);
    const tg = ref(inst.values.target_group_arn, "aws_lb_target_group", "aws_alb_target_group");
    const fn = ref(inst.values.target_id, "aws_lambda_function");
    const name = tg ? tgName.get(tg) : undefined;
    if (!name) {
      warn(inst, inst.address, `the attachment's target group ${JSON.stringify(inst.values.target_group_arn)} is not one of this configuration; ignored`, [
        "target_group_arn",
      ]);
      continue;
    }
    const file = fn ? fnFiles.get(physicalName(fn.facts)) : undefined;
    if (file) {
      local.targetGroups[name] = { targets: [...(local.targetGroups[name]?.targets ?? []), { lambda: file.handler, handler: file.export }] };
      sources.push({ stack: ["local", "targetGroups", name], inst, translate: () => ["target_id"] });
    }
    // An instance id or IP address is a machine in a VPC: the binding report asks for a local target.
  }

  // --- API Gateway ---------------------------------------------------------------------------
  const claimed = new Set<string>();
  const restByInst = new Map<ResourceInstance, Values>();
  for (const inst of ofType("aws_api_gateway_rest_api")) {
    handled.add(inst);
    const name = physicalName(inst.facts);
    const id = apiIdOf("rest", name);
    const api: Values = {
      ...(isSet(inst.values.description) ? { Description: inst.values.description } : {}),
      ...(Array.isArray(inst.values.binary_media_types) && inst.values.binary_media_types.length ? { BinaryMediaTypes: inst.values.binary_media_types } : {}),
      Resources: { "/": { Methods: {} } },
      Stages: {},
    };
    if (isSet(inst.values.body))
      warn(inst, `${inst.address}.body`, "an OpenAPI body is not emulated yet: define the API with aws_api_gateway_resource / _method / _integration", [
        "body",
      ]);
    out.restApis[name] = api;
    restByInst.set(inst, api);
    local.restApis[name] = { apiId: id };
    claimed.add(`${id}.execute-api.${REGION}.amazonaws.com`);
    sources.push({ stack: ["restApis", name], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
  }
  const apiOf = (v: unknown) => {
    const inst = ref(v, "aws_api_gateway_rest_api");
    return inst ? restByInst.get(inst) : undefined;
  };
  const pathOf = (resourceId: unknown, depth = 0): string | undefined => {
    const target = typeof resourceId === "string" ? byRef.get(resourceId) : undefined;
    if (!target || depth > 32) return undefined;
    if (target.type === "aws_api_gateway_rest_api") return "/";
    if (target.type !== "aws_api_gateway_resource") return undefined;
    const parent = pathOf(target.values.parent_id, depth + 1);
    return parent === undefined ? undefined : `${parent === "/" ? "" : parent}/${String(target.values.path_part)}`;
  };
  for (const inst of ofType("aws_api_gateway_resource")) {
    handled.add(inst);
    const api = apiOf(inst.values.rest_api_id);
    const path = pathOf(assignedAttribute(inst.facts, "id"));
    if (api && path) (api.Resources as Values)[path] ??= { Methods: {} };
  }
  const methodOf = (inst: ResourceInstance): Values | undefined => {
    const api = apiOf(inst.values.rest_api_id);
    const path = pathOf(inst.values.resource_id);
    if (!api || !path) {
      warn(inst, inst.address, "its REST API or resource is not one of this configuration; ignored", ["resource_id"]);
      return undefined;
    }
    const resources = api.Resources as Record<string, { Methods: Record<string, Values> }>;
    resources[path] ??= { Methods: {} };
    return (resources[path].Methods[String(inst.values.http_method)] ??= {});
  };
  for (const inst of ofType("aws_api_gateway_method")) {
    handled.add(inst);
    const m = methodOf(inst);
    if (m) Object.assign(m, toMethod(inst.values));
  }
  for (const inst of ofType("aws_api_gateway_integration")) {
    handled.add(inst);
    const m = methodOf(inst);
    if (m)
      m.Integration = { ...toRestIntegration(inst.values), ...(isRecord(m.Integration) ? { IntegrationResponses: m.Integration.IntegrationResponses } : {}) };
  }
  for (const inst of ofType("aws_api_gateway_integration_response")) {
    handled.add(inst);
    const m = methodOf(inst);
    if (!m) continue;
    const integration = (m.Integration ??= {}) as Values;
    ((integration.IntegrationResponses ??= []) as Values[]).push(toIntegrationResponse(inst.values));
  }
  for (const inst of ofType("aws_api_gateway_stage", "aws_api_gateway_deployment")) {
    handled.add(inst);
    const api = apiOf(inst.values.rest_api_id);
    const stage = inst.values.stage_name;
    if (!api || typeof stage !== "string" || !stage) continue;
    const vars = isRecord(inst.values.variables) && Object.keys(inst.values.variables).length ? { Variables: inst.values.variables } : {};
    (api.Stages as Values)[stage] = {
      ...(isSet(inst.values.description) && inst.type === "aws_api_gateway_stage" ? { Description: inst.values.description } : {}),
      ...vars,
    };
  }
  const httpByInst = new Map<ResourceInstance, Values>();
  for (const inst of ofType("aws_apigatewayv2_api")) {
    handled.add(inst);
    if (inst.values.protocol_type !== "HTTP") {
      warn(inst, inst.address, `a ${String(inst.values.protocol_type)} API is not emulated (only HTTP APIs); ignored`, ["protocol_type"]);
      continue;
    }
    const name = physicalName(inst.facts);
    const id = apiIdOf("http", name);
    const api = toHttpApi(inst.values);
    out.httpApis[name] = api;
    httpByInst.set(inst, api);
    local.httpApis[name] = { apiId: id };
    claimed.add(`${id}.execute-api.${REGION}.amazonaws.com`);
    sources.push({ stack: ["httpApis", name], inst, translate: (r) => r.map((s) => (typeof s === "string" ? snake(s) : s)) });
  }
  const httpOf = (v: unknown) => {
    const inst = ref(v, "aws_apigatewayv2_api");
    return inst ? httpByInst.get(inst) : undefined;
  };
  const integrationKey = new Map<string, string>();
  for (const inst of ofType("aws_apigatewayv2_integration")) {
    handled.add(inst);
    const api = httpOf(inst.values.api_id);
    if (!api) continue;
    (api.Integrations as Values)[inst.key] = toHttpIntegration(inst.values);
    for (const id of [assignedAttribute(inst.facts, "id"), inst.values.id]) if (typeof id === "string") integrationKey.set(id, inst.key);
  }
  for (const inst of ofType("aws_apigatewayv2_route")) {
    handled.add(inst);
    const api = httpOf(inst.values.api_id);
    if (!api) continue;
    const target =
      typeof inst.values.target === "string"
        ? inst.values.target.replace(/^integrations\/(.+)$/, (_m, id: string) => `integrations/${integrationKey.get(id) ?? id}`)
        : undefined;
    (api.Routes as Values)[String(inst.values.route_key)] = {
      ...(target ? { Target: target } : {}),
      AuthorizationType: inst.values.authorization_type ?? "NONE",
      ...(isSet(inst.values.authorizer_id) ? { AuthorizerId: inst.values.authorizer_id } : {}),
    };
  }
  for (const inst of ofType("aws_apigatewayv2_stage")) {
    handled.add(inst);
    const api = httpOf(inst.values.api_id);
    if (!api || typeof inst.values.name !== "string") continue;
    (api.Stages as Values)[inst.values.name] = {
      ...(inst.values.auto_deploy === true ? { AutoDeploy: true } : {}),
      ...(isRecord(inst.values.stage_variables) && Object.keys(inst.values.stage_variables).length ? { StageVariables: inst.values.stage_variables } : {}),
    };
  }

  // --- what is left ----------------------------------------------------------------------------
  const locateStack = (path: (string | number)[]): SourcePosition | undefined => {
    let best: Source | undefined;
    for (const s of sources)
      if (s.stack.length <= path.length && s.stack.every((seg, i) => seg === path[i]) && (!best || s.stack.length > best.stack.length)) best = s;
    return best ? best.inst.locate(best.translate(path.slice(best.stack.length))) : undefined;
  };
  for (const w of findUnbound({
    beside: "the Terraform files",
    distributions: out.distributions,
    loadBalancerNames: out.loadBalancers.map((l) => String(l.Name)),
    targetGroups: out.targetGroups,
    buckets: Object.keys(out.buckets),
    claimedDomains: claimed,
    functions: fnBound,
    keyValueStores: kvsBound,
    bound: { targetGroups: new Set(Object.keys(local.targetGroups)), buckets: new Set() },
    overlayLocal: c.overlayLocal,
    locate: locateStack,
  }))
    c.warnings.push({ file: w.at?.file ?? c.defaultFile, ...(w.at ? { line: w.at.line, column: w.at.column } : {}), path: w.path, message: w.message });

  const skipped = new Map<string, ResourceInstance[]>();
  for (const inst of c.instances) {
    if (inst.mode !== "managed" || handled.has(inst) || IGNORED_TYPES.has(inst.type)) continue;
    const notYet = NOT_YET.get(inst.type);
    if (notYet) warn(inst, inst.address, `${inst.type} ${inst.address} is not emulated yet; ignored (${notYet})`);
    else skipped.set(inst.type, [...(skipped.get(inst.type) ?? []), inst]);
  }
  for (const [type, list] of skipped) for (const inst of list) warn(inst, inst.address, `${type} is not emulated; ignored (${inst.address})`);

  const input: Values = {};
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v) ? v.length : Object.keys(v).length) input[k] = v;
  const l: Values = {};
  for (const [k, v] of Object.entries(local)) if (Object.keys(v).length) l[k] = v;
  if (Object.keys(l).length) input.local = l;
  return { input, warnings: c.warnings, files: c.files, locate: locateStack };
}

/** Arguments a plan or state lists that the configuration never sets. */
const COMPUTED = new Set([
  "id",
  "arn",
  "tags_all",
  "etag",
  "status",
  "domain_name",
  "hosted_zone_id",
  "caller_reference",
  "last_modified_time",
  "in_progress_validation_batches",
  "trusted_signers",
  "trusted_key_groups",
]);

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * A function's code as a local file: `filename` is the zip an `archive_file` data source builds
 * from `source_dir` / `source_file`; the Handler (`index.handler`) names the module in it, tried as
 * .mjs, .js and .cjs as the Node.js runtime does. Relative paths are Terraform's: the root folder's.
 */
function findHandler(fn: ResourceInstance, archives: readonly ResourceInstance[], rootDir: string): { handler: string; export: string } | undefined {
  const handler = typeof fn.values.handler === "string" ? fn.values.handler : undefined;
  const dot = handler?.lastIndexOf(".") ?? -1;
  if (!handler || dot <= 0) return undefined;
  const filename = fn.values.filename;
  const archive = archives.find((a) => a.values.output_path === filename && isSet(filename));
  // Without archive_file, `lambda.zip` is taken to be built from the folder `lambda` beside it.
  const zipFolder = !archive && typeof filename === "string" && /\.zip$/i.test(filename) ? filename.replace(/\.zip$/i, "") : undefined;
  const dir = archive && typeof archive.values.source_dir === "string" ? archive.values.source_dir : zipFolder;
  const file = archive && typeof archive.values.source_file === "string" ? archive.values.source_file : undefined;
  const moduleName = handler.slice(0, dot);
  const candidates = dir ? [".mjs", ".js", ".cjs"].map((ext) => posix.join(dir, `${moduleName}${ext}`)) : file ? [file] : [];
  const found = candidates.find((p) => existsSync(resolve(rootDir, p)));
  return found ? { handler: found, export: handler.slice(dot + 1) } : undefined;
}

/** A policy argument is JSON text; anything else (a stand-in) is left for the model to refuse with its path. */
function parsePolicy(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
