import { EdgeparityError } from "../../core/errors.js";
import { findUnbound } from "../binding-report.js";
import type { ImportResult, ImportWarning, SourcePosition } from "../importer.js";
import { findAssetFolder, findHandlerFile, type CdkAssets } from "./cdk-assets.js";
import { evaluateCondition, NO_VALUE, resolveValue, templateError, type ResolveScope, type Where } from "./intrinsics.js";
import { ACCOUNT_ID, ALB_HOSTED_ZONE_ID, distributionId, elbArn, generatedName, hexId, loadBalancerDnsName, REGION } from "./physical-names.js";
import { distributionTemplatePath, toCachePolicyConfig, toDistributionConfig, toOriginRequestPolicyConfig } from "./resources/cloudfront.js";
import { elbv2TemplatePath, toListener, toLoadBalancer, toRule, toTargetGroup } from "./resources/elbv2.js";
import { bucketTemplatePath, toBucket } from "./resources/s3.js";
import { isRecord, type Dropped } from "./resources/shape.js";
import type { TemplateFile } from "./template-file.js";

/**
 * One template → stack input. Steps: read Parameters (defaults, overrides), evaluate Conditions,
 * then map each resource whose condition holds, in dependency-free passes (load balancers, target
 * groups, buckets and CloudFront resources; then listeners, bucket policies and CDK deployments;
 * then listener rules), resolving its Properties' intrinsic functions on the way. Names a template
 * leaves out are generated from the logical id. Resource types edgeparity does not emulate are
 * warnings, never errors.
 */

type Path = (string | number)[];

interface Resource {
  Type: string;
  Properties?: unknown;
  Condition?: unknown;
  Metadata?: unknown;
}

interface ParameterDecl {
  Type?: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
}

export interface TemplateContext {
  template: TemplateFile;
  stackName: string;
  /** Parameter overrides (`--parameter Key=Value`). */
  parameters: Readonly<Record<string, string>>;
  /** The template's folder: CDK asset folders and handler files are found (and bound) relative to it. */
  dir: string;
  assets: CdkAssets;
  /** `local:` of an edgeparity.yaml overlay beside the template, to know what is already bound. */
  overlayLocal: Record<string, unknown>;
}

/** Types edgeparity has a service for but does not emulate yet: a warning per resource. */
const NOT_YET =
  /^AWS::(CloudFront::(RealtimeLogConfig|KeyGroup|PublicKey|ContinuousDeploymentPolicy|CloudFrontOriginAccessIdentity|MonitoringSubscription)|ApiGateway(V2)?::.*|Lambda::.*)$/;
/** Resources that are CloudFormation's or CDK's own machinery, silently skipped. */
const MACHINERY = new Set(["AWS::CDK::Metadata", "AWS::CloudFormation::WaitConditionHandle"]);

export function importTemplate(c: TemplateContext): ImportResult {
  return new TemplateStack(c).build();
}

class TemplateStack implements ResolveScope {
  readonly file: string;
  readonly mappings: Record<string, unknown>;
  readonly #c: TemplateContext;
  readonly #root: Record<string, unknown>;
  readonly #resources: Record<string, Resource>;
  readonly #params: Record<string, ParameterDecl>;
  readonly #conditions: Record<string, unknown>;
  readonly #conditionCache = new Map<string, boolean>();
  readonly #paramCache = new Map<string, unknown>();
  readonly #names = new Map<string, string>();
  readonly #resolving = new Set<string>();
  readonly #warnings: ImportWarning[] = [];
  /** ARN → logical id, for references that name a resource by its ARN (a rule's ListenerArn). */
  readonly #arns = new Map<string, string>();
  readonly #sources: { stack: Path; template: Path; translate: (rest: Path) => Path }[] = [];
  readonly #out = {
    distributions: {} as Record<string, unknown>,
    cachePolicies: {} as Record<string, unknown>,
    originRequestPolicies: {} as Record<string, unknown>,
    originAccessControls: {} as Record<string, unknown>,
    responseHeadersPolicies: {} as Record<string, unknown>,
    functions: {} as Record<string, unknown>,
    keyValueStores: {} as Record<string, unknown>,
    loadBalancers: [] as Record<string, unknown>[],
    targetGroups: [] as Record<string, unknown>[],
    buckets: {} as Record<string, unknown>,
  };
  /** KeyValueStore name → true when the overlay names its local JSON file. */
  readonly #kvsBound: Record<string, boolean> = {};
  readonly #local = { buckets: {} as Record<string, unknown>, targetGroups: {} as Record<string, { targets: unknown[] }> };
  /** Listener logical id → its object in a load balancer's Listeners, and the load balancer's index. */
  readonly #listeners = new Map<string, { listener: Record<string, unknown>; lbIndex: number; index: number }>();
  /** Target group name → the Lambda functions (logical ids) its Targets name. */
  readonly #lambdaTargets = new Map<string, { tgId: string; targets: unknown[] }>();

  constructor(c: TemplateContext) {
    this.#c = c;
    this.file = c.template.file;
    const root = c.template.value;
    if (!isRecord(root)) throw new EdgeparityError("STACK_INVALID", `${this.file}: a template is a mapping with Resources`);
    this.#root = root;
    this.#resources = (isRecord(root.Resources) ? root.Resources : {}) as Record<string, Resource>;
    this.#params = (isRecord(root.Parameters) ? root.Parameters : {}) as Record<string, ParameterDecl>;
    this.#conditions = isRecord(root.Conditions) ? root.Conditions : {};
    this.mappings = isRecord(root.Mappings) ? root.Mappings : {};
  }

  positionOf(node: object): SourcePosition | undefined {
    return this.#c.template.positionOf(node);
  }

  #where(path: Path): Where {
    return { path: formatTemplatePath(path), at: this.#c.template.locate(path) };
  }

  #warn(path: Path, message: string): void {
    const at = this.#c.template.locate(path);
    this.#warnings.push({ file: this.file, ...(at ? { line: at.line, column: at.column } : {}), path: formatTemplatePath(path), message });
  }

  // --- parameters, pseudo parameters, conditions ---------------------------------------------

  parameter(name: string, where: Where): unknown {
    switch (name) {
      case "AWS::Region":
        return REGION;
      case "AWS::AccountId":
        return ACCOUNT_ID;
      case "AWS::StackName":
        return this.#c.stackName;
      case "AWS::StackId":
        return `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${this.#c.stackName}/${hexId(`stack:${this.#c.stackName}`).replace(/^(.{8})(.{4})(.{4})/, "$1-$2-$3-")}`;
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::Partition":
        return "aws";
      case "AWS::NotificationARNs":
        return [];
    }
    if (name.startsWith("AWS::")) throw templateError(this, where, `Ref: '${name}' is not a pseudo parameter`);
    if (!(name in this.#params)) return undefined;
    if (!this.#paramCache.has(name)) this.#paramCache.set(name, this.#parameterValue(name));
    return this.#paramCache.get(name);
  }

  #parameterValue(name: string): unknown {
    const decl = isRecord(this.#params[name]) ? this.#params[name] : {};
    const where = this.#where(["Parameters", name]);
    const fail = (m: string) => templateError(this, where, m);
    const type = String(decl.Type ?? "String");
    const given = this.#c.parameters[name];
    const raw = given ?? (decl.Default === undefined ? undefined : Array.isArray(decl.Default) ? decl.Default.join(",") : String(decl.Default));
    if (type.startsWith("AWS::SSM::Parameter::Value<") && given === undefined)
      throw fail(`parameter '${name}' is read from SSM Parameter Store (${type}), which is not resolvable locally: pass --parameter ${name}=VALUE`);
    if (raw === undefined) throw fail(`parameter '${name}' has no Default and no value: pass --parameter ${name}=VALUE`);
    // CloudFormation's own refusals (User Guide, "Parameters"): the same constraint words it uses.
    if (Array.isArray(decl.AllowedValues) && !decl.AllowedValues.map(String).includes(raw))
      throw fail(`Parameter '${name}' must be one of AllowedValues (${decl.AllowedValues.map(String).join(", ")}), not '${raw}'`);
    if (typeof decl.AllowedPattern === "string" && !new RegExp(`^(?:${decl.AllowedPattern})$`).test(raw))
      throw fail(`Parameter '${name}' must match pattern ${decl.AllowedPattern}`);
    if (typeof decl.MinLength === "number" && raw.length < decl.MinLength) throw fail(`Parameter '${name}' must contain at least ${decl.MinLength} characters`);
    if (typeof decl.MaxLength === "number" && raw.length > decl.MaxLength) throw fail(`Parameter '${name}' must contain at most ${decl.MaxLength} characters`);
    if (type === "Number") {
      const n = Number(raw);
      if (raw.trim() === "" || Number.isNaN(n)) throw fail(`Parameter '${name}' must be a number, not '${raw}'`);
      if (typeof decl.MinValue === "number" && n < decl.MinValue) throw fail(`Parameter '${name}' must be a number not less than ${decl.MinValue}`);
      if (typeof decl.MaxValue === "number" && n > decl.MaxValue) throw fail(`Parameter '${name}' must be a number not greater than ${decl.MaxValue}`);
      // Choice: a Number parameter stays a number, so `Port: !Ref Port` meets the model's integer fields.
      return n;
    }
    if (type === "CommaDelimitedList" || type.startsWith("List<")) return raw.split(",").map((s) => s.trim());
    return raw;
  }

  condition(name: string, where: Where): boolean {
    const cached = this.#conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.#conditions)) throw templateError(this, where, `there is no condition '${name}' under Conditions`);
    if (this.#resolving.has(`condition:${name}`)) throw templateError(this, where, `condition '${name}' refers to itself`);
    this.#resolving.add(`condition:${name}`);
    const v = evaluateCondition(this, this.#conditions[name], this.#where(["Conditions", name]));
    this.#resolving.delete(`condition:${name}`);
    this.#conditionCache.set(name, v);
    return v;
  }

  #isCreated(id: string): boolean {
    const c = this.#resources[id]?.Condition;
    return typeof c !== "string" || this.condition(c, this.#where(["Resources", id, "Condition"]));
  }

  // --- Ref and GetAtt of resources -------------------------------------------------------------

  #resource(id: string, where: Where): Resource {
    const r = this.#resources[id];
    if (!isRecord(r)) throw templateError(this, where, `'${id}' is not a resource of this template`);
    if (!this.#isCreated(id)) throw templateError(this, where, `resource '${id}' is not created (its Condition is false), so it cannot be referenced here`);
    return r;
  }

  /** The resource's physical name: the name property the template gives, or one generated from the logical id. */
  name(id: string, where: Where): string {
    const known = this.#names.get(id);
    if (known !== undefined) return known;
    const r = this.#resource(id, where);
    const [prop, maxLength, lowerCase] = NAME_PROPERTY[r.Type] ?? [undefined, 64, false];
    let name: string | undefined;
    const props = isRecord(r.Properties) ? r.Properties : {};
    if (prop && props[prop] !== undefined) {
      if (this.#resolving.has(id)) throw templateError(this, where, `the name of '${id}' refers to itself`);
      this.#resolving.add(id);
      const v = resolveValue(this, props[prop], this.#where(["Resources", id, "Properties", prop]));
      this.#resolving.delete(id);
      if (typeof v !== "string") throw templateError(this, this.#where(["Resources", id, "Properties", prop]), `${prop} must be a string`);
      name = v;
    }
    name ??= KEYED_BY_LOGICAL_ID.has(r.Type) ? id : generatedName(this.#c.stackName, id, { maxLength, lowerCase });
    this.#names.set(id, name);
    return name;
  }

  #arn(id: string, where: Where): string {
    const r = this.#resource(id, where);
    const name = this.name(id, where);
    let arn: string;
    switch (r.Type) {
      case "AWS::ElasticLoadBalancingV2::LoadBalancer":
        arn = elbArn("loadbalancer", `app/${name}/${hexId(`lb:${name}`)}`);
        break;
      case "AWS::ElasticLoadBalancingV2::TargetGroup":
        arn = elbArn("targetgroup", `${name}/${hexId(`tg:${name}`)}`);
        break;
      case "AWS::ElasticLoadBalancingV2::Listener":
        arn = elbArn("listener", `app/${this.#c.stackName}/${hexId(`lb-of:${id}`)}/${hexId(`listener:${id}`)}`);
        break;
      case "AWS::ElasticLoadBalancingV2::ListenerRule":
        arn = elbArn("listener-rule", `app/${this.#c.stackName}/${hexId(`lb-of:${id}`)}/${hexId(`rule:${id}`)}`);
        break;
      case "AWS::S3::Bucket":
        arn = `arn:aws:s3:::${name}`;
        break;
      case "AWS::Lambda::Function":
        arn = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
        break;
      case "AWS::CloudFront::Function":
        arn = `arn:aws:cloudfront::${ACCOUNT_ID}:function/${name}`;
        break;
      case "AWS::CloudFront::KeyValueStore":
        // Locally a store's id is its name (AWS mints a UUID).
        arn = `arn:aws:cloudfront::${ACCOUNT_ID}:key-value-store/${name}`;
        break;
      case "AWS::CloudFront::Distribution":
        arn = `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${distributionId(name)}`;
        break;
      default: {
        const service = r.Type.split("::")[1]?.toLowerCase() ?? "cloudformation";
        arn = `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${id.toLowerCase()}/${name}`;
      }
    }
    this.#arns.set(arn, id);
    return arn;
  }

  ref(id: string, where: Where): unknown {
    if (!(id in this.#resources)) return undefined;
    const r = this.#resource(id, where);
    switch (r.Type) {
      case "AWS::ElasticLoadBalancingV2::LoadBalancer":
      case "AWS::ElasticLoadBalancingV2::TargetGroup":
      case "AWS::ElasticLoadBalancingV2::Listener":
      case "AWS::ElasticLoadBalancingV2::ListenerRule":
      case "AWS::CloudFront::Function":
        return this.#arn(id, where);
      case "AWS::CloudFront::Distribution":
        return distributionId(this.name(id, where));
      case "AWS::Lambda::Version": {
        // A version's Ref is the function's ARN with the version number; FunctionName may be a name or an ARN.
        const fn = String(this.#functionArnOf(id, where));
        return `${fn.startsWith("arn:") ? fn : `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${fn}`}:1`;
      }
      default:
        // Buckets, functions, policies, OACs: their name or id (the key the stack files them under).
        return this.name(id, where);
    }
  }

  #functionArnOf(versionId: string, where: Where): unknown {
    const p = this.#resources[versionId]?.Properties;
    return isRecord(p) ? resolveValue(this, p.FunctionName, where) : undefined;
  }

  getAtt(id: string, attr: string, where: Where): unknown {
    const r = this.#resource(id, where);
    const name = () => this.name(id, where);
    const none = () => templateError(this, where, `Fn::GetAtt: ${r.Type} '${id}' has no attribute '${attr}' edgeparity knows`);
    switch (r.Type) {
      case "AWS::S3::Bucket": {
        const table: Record<string, () => string> = {
          Arn: () => `arn:aws:s3:::${name()}`,
          // CloudFormation User Guide, AWS::S3::Bucket return values.
          DomainName: () => `${name()}.s3.amazonaws.com`,
          RegionalDomainName: () => `${name()}.s3.${REGION}.amazonaws.com`,
          DualStackDomainName: () => `${name()}.s3.dualstack.${REGION}.amazonaws.com`,
          WebsiteURL: () => `http://${name()}.s3-website-${REGION}.amazonaws.com`,
        };
        const f = table[attr];
        if (!f) throw none();
        return f();
      }
      case "AWS::ElasticLoadBalancingV2::LoadBalancer": {
        const props = isRecord(r.Properties) ? r.Properties : {};
        const internal = resolveValue(this, props.Scheme, where) === "internal";
        const arn = this.#arn(id, where);
        const table: Record<string, () => unknown> = {
          DNSName: () => loadBalancerDnsName(name(), internal),
          LoadBalancerArn: () => arn,
          LoadBalancerFullName: () => arn.slice(arn.indexOf("loadbalancer/") + "loadbalancer/".length),
          LoadBalancerName: name,
          CanonicalHostedZoneID: () => ALB_HOSTED_ZONE_ID,
          SecurityGroups: () => [],
        };
        const f = table[attr];
        if (!f) throw none();
        return f();
      }
      case "AWS::ElasticLoadBalancingV2::TargetGroup": {
        const arn = this.#arn(id, where);
        const table: Record<string, () => unknown> = {
          TargetGroupArn: () => arn,
          TargetGroupName: name,
          TargetGroupFullName: () => arn.slice(arn.indexOf("targetgroup/")),
          LoadBalancerArns: () => [],
        };
        const f = table[attr];
        if (!f) throw none();
        return f();
      }
      case "AWS::ElasticLoadBalancingV2::Listener":
        if (attr !== "ListenerArn") throw none();
        return this.#arn(id, where);
      case "AWS::ElasticLoadBalancingV2::ListenerRule":
        if (attr !== "RuleArn") throw none();
        return this.#arn(id, where);
      case "AWS::CloudFront::Distribution": {
        const did = distributionId(name());
        if (attr === "Id") return did;
        // Divergence from AWS: the value is the cloudfront.net name; locally the distribution answers on d….cloudfront.localhost.
        if (attr === "DomainName") return `d${did.slice(1).toLowerCase()}.cloudfront.net`;
        throw none();
      }
      case "AWS::CloudFront::CachePolicy":
      case "AWS::CloudFront::OriginRequestPolicy":
      case "AWS::CloudFront::OriginAccessControl":
      case "AWS::CloudFront::ResponseHeadersPolicy":
        if (attr === "Id") return name();
        if (attr === "LastModifiedTime") return "2026-01-01T00:00:00Z";
        throw none();
      case "AWS::CloudFront::Function":
        if (attr === "FunctionARN" || attr === "FunctionMetadata.FunctionARN") return this.#arn(id, where);
        if (attr === "Stage") return "LIVE";
        throw none();
      case "AWS::CloudFront::KeyValueStore":
        // CloudFormation User Guide, AWS::CloudFront::KeyValueStore return values: Arn, Id, Status.
        if (attr === "Arn") return this.#arn(id, where);
        if (attr === "Id") return name();
        if (attr === "Status") return "READY";
        throw none();
      case "AWS::Lambda::Function":
        if (attr === "Arn") return this.#arn(id, where);
        throw none();
      default:
        // A resource edgeparity does not emulate: a stable stand-in, never an error (it is warned about once).
        return `${this.#arn(id, where)}/${attr}`;
    }
  }

  // --- mapping ---------------------------------------------------------------------------------

  #properties(id: string): Record<string, unknown> {
    const r = this.#resources[id]!;
    const v = resolveValue(this, r.Properties ?? {}, this.#where(["Resources", id, "Properties"]));
    if (v === NO_VALUE || !isRecord(v)) throw templateError(this, this.#where(["Resources", id, "Properties"]), "Properties must be a mapping");
    return v;
  }

  #dropped(id: string, dropped: Dropped, base: Path = []): void {
    for (const d of dropped) this.#warn(["Resources", id, "Properties", ...base, ...d.path], d.message);
  }

  #source(stack: Path, template: Path, translate: (rest: Path) => Path = (p) => p): void {
    this.#sources.push({ stack, template, translate });
  }

  build(): ImportResult {
    // CloudFormation refuses an override the template does not declare ("Parameters: [X] do not exist in the
    // template"); a folder may hold several templates, so here it is a warning on each template that lacks it.
    for (const name of Object.keys(this.#c.parameters))
      if (!(name in this.#params)) this.#warn(["Parameters"], `parameter override ${name} is not declared in this template's Parameters; ignored here`);
    if (this.#root.Transform !== undefined)
      this.#warn(
        ["Transform"],
        `Transform ${JSON.stringify(this.#root.Transform)} is not expanded locally (macros run in CloudFormation); resources are read as written`,
      );
    const ids = Object.keys(this.#resources).filter((id) => {
      const r = this.#resources[id];
      if (!isRecord(r) || typeof r.Type !== "string") throw templateError(this, this.#where(["Resources", id]), "a resource needs a Type");
      return this.#isCreated(id);
    });
    const ofType = (...types: string[]) => ids.filter((id) => types.includes(this.#resources[id]!.Type));
    for (const id of ofType("AWS::S3::Bucket")) this.#mapBucket(id);
    for (const id of ofType("AWS::CloudFront::CachePolicy")) this.#mapConfig(id, "cachePolicies", "CachePolicyConfig", toCachePolicyConfig);
    for (const id of ofType("AWS::CloudFront::OriginRequestPolicy"))
      this.#mapConfig(id, "originRequestPolicies", "OriginRequestPolicyConfig", toOriginRequestPolicyConfig);
    for (const id of ofType("AWS::CloudFront::OriginAccessControl")) this.#mapConfig(id, "originAccessControls", "OriginAccessControlConfig", (c) => c);
    // CloudFormation spells ResponseHeadersPolicyConfig as the API does (lists without Quantity).
    for (const id of ofType("AWS::CloudFront::ResponseHeadersPolicy")) this.#mapConfig(id, "responseHeadersPolicies", "ResponseHeadersPolicyConfig", (c) => c);
    for (const id of ofType("AWS::CloudFront::KeyValueStore")) this.#mapKeyValueStore(id);
    for (const id of ofType("AWS::CloudFront::Function")) this.#mapFunction(id);
    for (const id of ofType("AWS::CloudFront::Distribution")) this.#mapDistribution(id);
    for (const id of ofType("AWS::ElasticLoadBalancingV2::TargetGroup")) this.#mapTargetGroup(id);
    for (const id of ofType("AWS::ElasticLoadBalancingV2::LoadBalancer")) this.#mapLoadBalancer(id);
    for (const id of ofType("AWS::ElasticLoadBalancingV2::Listener")) this.#mapListener(id);
    for (const id of ofType("AWS::ElasticLoadBalancingV2::ListenerRule")) this.#mapRule(id);
    for (const id of ofType("AWS::S3::BucketPolicy")) this.#mapBucketPolicy(id);
    for (const id of ofType("Custom::CDKBucketDeployment")) this.#mapBucketDeployment(id);
    const boundFunctions = this.#bindLambdaTargets();
    this.#reportUnbound();
    this.#reportNotEmulated(ids, boundFunctions);

    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.#out)) if (Array.isArray(v) ? v.length : Object.keys(v).length) input[k] = v;
    const local: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.#local)) if (Object.keys(v).length) local[k] = v;
    if (Object.keys(local).length) input.local = local;
    const sources = [...this.#sources];
    const template = this.#c.template;
    return {
      input,
      warnings: this.#warnings,
      files: [this.file],
      locate(path) {
        let best: (typeof sources)[number] | undefined;
        for (const s of sources)
          if (s.stack.length <= path.length && s.stack.every((seg, i) => seg === path[i]) && (!best || s.stack.length > best.stack.length)) best = s;
        return best ? template.locate([...best.template, ...best.translate(path.slice(best.stack.length))]) : undefined;
      },
    };
  }

  /** Each resource type edgeparity does not map: once per resource for types of its services, once per type otherwise. */
  #reportNotEmulated(ids: readonly string[], boundFunctions: ReadonlyMap<string, string>): void {
    const skipped = new Map<string, string[]>();
    for (const id of ids) {
      const type = this.#resources[id]!.Type;
      if (HANDLED.has(type) || MACHINERY.has(type)) continue;
      // CDK's own deployment handler: edgeparity seeds the bucket itself (Custom::CDKBucketDeployment).
      if (id.startsWith("CustomCDKBucketDeployment")) continue;
      if (boundFunctions.has(id))
        this.#warn(
          ["Resources", id],
          `${type} '${id}' is not emulated yet as a resource; its code serves target group ${boundFunctions.get(id)} (local.targetGroups)`,
        );
      else if (NOT_YET.test(type)) this.#warn(["Resources", id], `${type} '${id}' is not emulated yet; ignored`);
      else skipped.set(type, [...(skipped.get(type) ?? []), id]);
    }
    for (const [type, list] of skipped)
      this.#warn(
        ["Resources", list[0]!],
        `${type} is not emulated; ignored (${list.length === 1 ? "resource" : `${list.length} resources`}: ${list.join(", ")})`,
      );
  }

  #mapBucket(id: string): void {
    const name = this.name(id, this.#where(["Resources", id]));
    const dropped: Dropped = [];
    this.#out.buckets[name] = toBucket(this.#properties(id), dropped);
    this.#dropped(id, dropped);
    this.#source(["buckets", name], ["Resources", id, "Properties"], bucketTemplatePath);
  }

  #mapConfig(
    id: string,
    section: "cachePolicies" | "originRequestPolicies" | "originAccessControls" | "responseHeadersPolicies",
    field: string,
    map: (c: unknown) => unknown,
  ): void {
    const props = this.#properties(id);
    if (props[field] === undefined) throw templateError(this, this.#where(["Resources", id, "Properties"]), `${this.#resources[id]!.Type} needs ${field}`);
    const key = this.name(id, this.#where(["Resources", id]));
    this.#out[section][key] = map(props[field]);
    this.#source([section, key], ["Resources", id, "Properties", field], (rest) => rest.filter((s) => s !== "Items" && s !== "Quantity"));
  }

  /** AWS::CloudFront::KeyValueStore → keyValueStores[Name], its data the JSON file the overlay names (cloudfront.md §13.5). */
  #mapKeyValueStore(id: string): void {
    const props = this.#properties(id);
    const name = this.name(id, this.#where(["Resources", id]));
    const files = isRecord(this.#c.overlayLocal.keyValueStores) ? this.#c.overlayLocal.keyValueStores : {};
    const file = Object.entries(files).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    this.#kvsBound[name] = typeof file === "string";
    this.#source(["keyValueStores", name], ["Resources", id, "Properties"]);
    if (props.ImportSource !== undefined)
      this.#warn(
        ["Resources", id, "Properties", "ImportSource"],
        "AWS::CloudFront::KeyValueStore ImportSource (an S3 object) is not emulated; the store's data is the overlay's local.keyValueStores file",
      );
    for (const k of Object.keys(props))
      if (k !== "Name" && k !== "Comment" && k !== "ImportSource")
        this.#warn(["Resources", id, "Properties", k], `AWS::CloudFront::KeyValueStore property ${k} is not emulated; ignored`);
    if (typeof file === "string") this.#out.keyValueStores[name] = { ...(typeof props.Comment === "string" ? { Comment: props.Comment } : {}), file };
  }

  /** AWS::CloudFront::Function → functions[Name] as CreateFunction takes it (cloudfront.md §13). */
  #mapFunction(id: string): void {
    const props = this.#properties(id);
    const name = this.name(id, this.#where(["Resources", id]));
    const config = isRecord(props.FunctionConfig) ? props.FunctionConfig : {};
    const stores = Array.isArray(config.KeyValueStoreAssociations) ? config.KeyValueStoreAssociations : [];
    // An association with a store of this template that has no local file goes with the store (the binding report names it).
    const kept = stores.filter((a) => {
      const arn = isRecord(a) ? a.KeyValueStoreARN : undefined;
      const store = typeof arn === "string" ? this.#arns.get(arn) : undefined;
      return !store || this.#out.keyValueStores[this.name(store, this.#where(["Resources", store]))] !== undefined;
    });
    const { KeyValueStoreAssociations: _, ...rest } = config;
    this.#out.functions[name] = {
      FunctionConfig: { ...rest, Comment: config.Comment ?? "", ...(kept.length ? { KeyValueStoreAssociations: { Quantity: kept.length, Items: kept } } : {}) },
      FunctionCode: props.FunctionCode,
    };
    this.#source(["functions", name], ["Resources", id, "Properties"], (rest) => rest.filter((s) => s !== "Items" && s !== "Quantity"));
    // AutoPublish false leaves the code in the DEVELOPMENT stage; locally associations run it all the same.
    if (props.AutoPublish === false)
      this.#warn(
        ["Resources", id, "Properties", "AutoPublish"],
        "AutoPublish false is not emulated: associations run the function's code as if it were published (LIVE stage)",
      );
    for (const k of Object.keys(props))
      if (!["Name", "FunctionCode", "FunctionConfig", "AutoPublish", "FunctionMetadata"].includes(k))
        this.#warn(["Resources", id, "Properties", k], `AWS::CloudFront::Function property ${k} is not emulated; ignored`);
  }

  #mapDistribution(id: string): void {
    const props = this.#properties(id);
    if (!isRecord(props.DistributionConfig))
      throw templateError(this, this.#where(["Resources", id, "Properties"]), "AWS::CloudFront::Distribution needs DistributionConfig");
    for (const k of Object.keys(props))
      if (k !== "DistributionConfig") this.#warn(["Resources", id, "Properties", k], `AWS::CloudFront::Distribution property ${k} is not emulated; ignored`);
    const dropped: Dropped = [];
    const name = this.name(id, this.#where(["Resources", id]));
    this.#out.distributions[name] = toDistributionConfig(props.DistributionConfig, dropped);
    this.#dropped(id, dropped, ["DistributionConfig"]);
    this.#source(["distributions", name], ["Resources", id, "Properties", "DistributionConfig"], distributionTemplatePath);
  }

  /** A target group named by ARN (or by a Name the template already uses) → the Name the model files it under. */
  #targetGroupName = (ref: string): string => /:targetgroup\/([^/]+)\//.exec(ref)?.[1] ?? ref;

  #mapTargetGroup(id: string): void {
    const props = this.#properties(id);
    const name = this.name(id, this.#where(["Resources", id]));
    const dropped: Dropped = [];
    this.#out.targetGroups.push(toTargetGroup(props, name, dropped));
    this.#dropped(id, dropped);
    this.#source(["targetGroups", this.#out.targetGroups.length - 1], ["Resources", id, "Properties"], (rest) => elbv2TemplatePath("tg", rest));
    if (Array.isArray(props.Targets) && props.Targets.length) this.#lambdaTargets.set(name, { tgId: id, targets: props.Targets });
  }

  #mapLoadBalancer(id: string): void {
    const props = this.#properties(id);
    if (props.Type !== undefined && props.Type !== "application") {
      this.#warn(
        ["Resources", id, "Properties", "Type"],
        `a load balancer of Type ${String(props.Type)} is not emulated (only application); ignored with its listeners`,
      );
      return;
    }
    const dropped: Dropped = [];
    this.#out.loadBalancers.push(toLoadBalancer(props, this.name(id, this.#where(["Resources", id])), dropped));
    this.#dropped(id, dropped);
    this.#source(["loadBalancers", this.#out.loadBalancers.length - 1], ["Resources", id, "Properties"], (rest) => elbv2TemplatePath("lb", rest));
  }

  /** The index of the mapped load balancer an ARN names, or -1 (a network load balancer, or one outside this template). */
  #lbIndexOf(arn: unknown): number {
    const lbId = typeof arn === "string" ? this.#arns.get(arn) : undefined;
    const name = lbId === undefined ? undefined : this.#names.get(lbId);
    return name === undefined ? -1 : this.#out.loadBalancers.findIndex((lb) => lb.Name === name);
  }

  #mapListener(id: string): void {
    const props = this.#properties(id);
    const lbIndex = this.#lbIndexOf(props.LoadBalancerArn);
    if (lbIndex < 0) {
      this.#warn(
        ["Resources", id, "Properties", "LoadBalancerArn"],
        `listener '${id}' is on ${JSON.stringify(props.LoadBalancerArn)}, not an application load balancer of this template; ignored`,
      );
      return;
    }
    const dropped: Dropped = [];
    const listener = toListener(props, this.#targetGroupName, dropped);
    this.#dropped(id, dropped);
    const listeners = this.#out.loadBalancers[lbIndex]!.Listeners as Record<string, unknown>[];
    listeners.push(listener);
    this.#listeners.set(id, { listener, lbIndex, index: listeners.length - 1 });
    this.#source(["loadBalancers", lbIndex, "Listeners", listeners.length - 1], ["Resources", id, "Properties"], (rest) => elbv2TemplatePath("listener", rest));
  }

  #mapRule(id: string): void {
    const props = this.#properties(id);
    const listenerId = typeof props.ListenerArn === "string" ? this.#arns.get(props.ListenerArn) : undefined;
    const l = listenerId === undefined ? undefined : this.#listeners.get(listenerId);
    if (!l) {
      this.#warn(
        ["Resources", id, "Properties", "ListenerArn"],
        `listener rule '${id}' is on ${JSON.stringify(props.ListenerArn)}, not a listener edgeparity maps from this template; ignored`,
      );
      return;
    }
    const dropped: Dropped = [];
    const rules = l.listener.Rules as unknown[];
    rules.push(toRule(props, this.#targetGroupName, dropped));
    this.#dropped(id, dropped);
    this.#source(["loadBalancers", l.lbIndex, "Listeners", l.index, "Rules", rules.length - 1], ["Resources", id, "Properties"]);
  }

  #mapBucketPolicy(id: string): void {
    const props = this.#properties(id);
    const bucket = props.Bucket;
    const target = typeof bucket === "string" ? (this.#out.buckets[bucket] as Record<string, unknown> | undefined) : undefined;
    if (!target) {
      this.#warn(
        ["Resources", id, "Properties", "Bucket"],
        `AWS::S3::BucketPolicy names bucket ${JSON.stringify(bucket)}, which is not a bucket of this template; ignored`,
      );
      return;
    }
    target.Policy = props.PolicyDocument;
    this.#source(["buckets", bucket as string, "Policy"], ["Resources", id, "Properties", "PolicyDocument"]);
  }

  /**
   * CDK's BucketDeployment (aws-s3-deployment) copies asset zips into the bucket when the stack
   * deploys; locally the asset folder in cdk.out is the bucket's folder (`local.buckets.<name>.folder`).
   */
  #mapBucketDeployment(id: string): void {
    const props = this.#properties(id);
    const bucket = props.DestinationBucketName;
    const keys = Array.isArray(props.SourceObjectKeys) ? props.SourceObjectKeys.filter((k): k is string => typeof k === "string") : [];
    const base = ["Resources", id, "Properties"];
    if (typeof bucket !== "string" || !(bucket in this.#out.buckets)) {
      this.#warn([...base, "DestinationBucketName"], `the deployment's bucket ${JSON.stringify(bucket)} is not a bucket of this template; not seeded`);
      return;
    }
    const folder = keys.map((k) => findAssetFolder(this.#c.assets, k)).find((f) => f !== undefined);
    if (folder === undefined) {
      this.#warn(
        [...base, "SourceObjectKeys"],
        `no asset folder in ${this.#c.dir} for ${keys.join(", ") || "this deployment"}; bucket ${bucket} is not seeded`,
      );
      return;
    }
    if (keys.length > 1)
      this.#warn([...base, "SourceObjectKeys"], `only the first source (${folder}) seeds bucket ${bucket}; the other ${keys.length - 1} are not emulated`);
    if (props.DestinationBucketKeyPrefix !== undefined)
      this.#warn([...base, "DestinationBucketKeyPrefix"], "DestinationBucketKeyPrefix is not emulated: the asset folder seeds the bucket's root");
    if (bucket in this.#local.buckets) {
      this.#warn(base, `bucket ${bucket} is already seeded by another deployment; this one is not emulated`);
      return;
    }
    this.#local.buckets[bucket] = { folder };
    this.#source(["local", "buckets", bucket], ["Resources", id]);
  }

  /** A Lambda target group's function, when its code is a CDK asset folder with the handler file in it. */
  #bindLambdaTargets(): Map<string, string> {
    const bound = new Map<string, string>();
    for (const [tgName, { tgId, targets }] of this.#lambdaTargets) {
      const tg = this.#out.targetGroups.find((t) => t.Name === tgName)!;
      if (tg.TargetType !== "lambda") continue;
      const fnArn = isRecord(targets[0]) ? targets[0].Id : undefined;
      const fnId = typeof fnArn === "string" ? this.#arns.get(fnArn) : undefined;
      const fn = fnId === undefined ? undefined : this.#resources[fnId];
      if (!fn || fn.Type !== "AWS::Lambda::Function") continue;
      const props = this.#properties(fnId!);
      const metadata = isRecord(fn.Metadata) ? fn.Metadata : {};
      const assetPath = metadata["aws:asset:path"];
      const handler = typeof props.Handler === "string" ? props.Handler : undefined;
      const file = typeof assetPath === "string" && handler ? findHandlerFile(this.#c.assets, assetPath, handler) : undefined;
      if (!file) {
        this.#warn(
          ["Resources", fnId!, "Properties", "Code"],
          `the code of '${fnId}' (target of target group ${tgName}) is not a local asset folder with its Handler's file; bind it in the overlay`,
        );
        continue;
      }
      this.#local.targetGroups[tgName] = { targets: [{ lambda: file.path, handler: file.exportName }] };
      this.#source(["local", "targetGroups", tgName], ["Resources", tgId, "Properties", "Targets"]);
      bound.set(fnId!, tgName);
    }
    return bound;
  }

  /**
   * Binding honesty: what this template declares but nothing local stands in for — an origin on
   * the internet, a target group with no local target, a bucket with no folder — is listed with
   * the `local:` lines to add to an edgeparity.yaml overlay beside the template.
   */
  #reportUnbound(): void {
    for (const w of findUnbound({
      beside: "the template",
      distributions: this.#out.distributions,
      loadBalancerNames: this.#out.loadBalancers.map((l) => String(l.Name)),
      targetGroups: this.#out.targetGroups,
      buckets: Object.keys(this.#out.buckets),
      keyValueStores: this.#kvsBound,
      bound: { targetGroups: new Set(Object.keys(this.#local.targetGroups)), buckets: new Set(Object.keys(this.#local.buckets)) },
      overlayLocal: this.#c.overlayLocal,
      locate: (path) => this.#locateOut(path),
    }))
      this.#warnings.push({ file: this.file, ...(w.at ? { line: w.at.line, column: w.at.column } : {}), path: w.path, message: w.message });
  }

  #locateOut(path: Path): SourcePosition | undefined {
    const s = this.#sources.filter((x) => x.stack.every((seg, i) => seg === path[i])).sort((a, b) => b.stack.length - a.stack.length)[0];
    return s ? this.#c.template.locate([...s.template, ...s.translate(path.slice(s.stack.length))]) : undefined;
  }
}

/** Type → [name property, longest name, lower case] (CloudFormation User Guide, "Name type"). */
const NAME_PROPERTY: Record<string, [string | undefined, number, boolean]> = {
  "AWS::S3::Bucket": ["BucketName", 63, true],
  "AWS::ElasticLoadBalancingV2::LoadBalancer": ["Name", 32, false],
  "AWS::ElasticLoadBalancingV2::TargetGroup": ["Name", 32, false],
  "AWS::Lambda::Function": ["FunctionName", 64, false],
  "AWS::CloudFront::Function": ["Name", 64, false],
  "AWS::CloudFront::KeyValueStore": ["Name", 64, false],
};

/** CloudFront resources the stack files under a key of our choosing: the logical id (their `Ref` / `Id`). */
const KEYED_BY_LOGICAL_ID = new Set([
  "AWS::CloudFront::Distribution",
  "AWS::CloudFront::CachePolicy",
  "AWS::CloudFront::OriginRequestPolicy",
  "AWS::CloudFront::OriginAccessControl",
  "AWS::CloudFront::ResponseHeadersPolicy",
]);

const HANDLED = new Set([
  "AWS::S3::Bucket",
  "AWS::S3::BucketPolicy",
  "AWS::CloudFront::Distribution",
  "AWS::CloudFront::CachePolicy",
  "AWS::CloudFront::OriginRequestPolicy",
  "AWS::CloudFront::OriginAccessControl",
  "AWS::CloudFront::ResponseHeadersPolicy",
  "AWS::CloudFront::Function",
  "AWS::CloudFront::KeyValueStore",
  "AWS::ElasticLoadBalancingV2::LoadBalancer",
  "AWS::ElasticLoadBalancingV2::Listener",
  "AWS::ElasticLoadBalancingV2::ListenerRule",
  "AWS::ElasticLoadBalancingV2::TargetGroup",
  "Custom::CDKBucketDeployment",
]);

/** `["Resources", "Web", "Properties", "Origins", 0]` → `Resources.Web.Properties.Origins[0]`. */
export function formatTemplatePath(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
