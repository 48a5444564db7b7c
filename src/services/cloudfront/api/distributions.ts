import { z } from "zod";
import type { ApiCall } from "../../../core/service.js";
import { listItems } from "../../../model/aws-list.js";
import { distributionNames } from "../compile/distribution-names.js";
import { DistributionConfigSchema, type DistributionConfig } from "../schema/distribution-config.js";
import {
  accessDenied,
  alreadyExists,
  distributionAlreadyExists,
  distributionNotDisabled,
  aliasNotCovered,
  illegalUpdate,
  invalidViewerCertificate,
  malformedInput,
  noSuchDistribution,
} from "./api-errors.js";
import { isCoveredBy } from "../../../core/certificate-name.js";
import {
  arnOf,
  checkIfMatch,
  etagOf,
  isoNow,
  mutate,
  newResourceId,
  page,
  records,
  section,
  xmlAnswer,
  type CloudFrontApiContext,
  type Operation,
} from "./operation.js";
import { TagsSchema } from "./tagging.js";
import { readXml } from "./xml.js";

/**
 * Distributions through the API (API Reference: CreateDistribution, CreateDistributionWithTags,
 * GetDistribution, GetDistributionConfig, UpdateDistribution, DeleteDistribution,
 * ListDistributions). An API distribution is an entry of the fragment's `distributions` under a
 * logical name of its own (`api-…`), so its Id and `d….cloudfront.localhost` domain come from the
 * same naming as a stack file's, and an export serves it under the same names.
 */

const WithTagsSchema = z.object({ DistributionConfig: DistributionConfigSchema, Tags: TagsSchema.optional() });

export interface FoundDistribution {
  name: string;
  id: string;
  domain: string;
  config: DistributionConfig;
}

export function findDistribution(ctx: CloudFrontApiContext, id: string): FoundDistribution {
  const live = ctx.stackApi.live();
  for (const [name, config] of Object.entries(live.distributions)) {
    const n = distributionNames(name);
    if (n.id === id) return { ...n, config };
  }
  throw noSuchDistribution();
}

export function allDistributions(ctx: CloudFrontApiContext): FoundDistribution[] {
  return Object.entries(ctx.stackApi.live().distributions)
    .map(([name, config]) => ({ ...distributionNames(name), config }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The DistributionConfig as CloudFront answers it: every list with its Quantity, AWS's defaults written out. */
export function distributionConfigOut(dc: DistributionConfig): Record<string, unknown> {
  const { CallerReference, Aliases, DefaultRootObject, Origins, OriginGroups, DefaultCacheBehavior, CacheBehaviors, CustomErrorResponses, Comment, ...rest } =
    dc;
  return {
    CallerReference,
    Aliases: Aliases ?? { Quantity: 0 },
    DefaultRootObject,
    Origins,
    OriginGroups: OriginGroups ?? { Quantity: 0 },
    DefaultCacheBehavior: behaviorOut(DefaultCacheBehavior),
    CacheBehaviors: { Items: listItems(CacheBehaviors).map(behaviorOut) },
    CustomErrorResponses: CustomErrorResponses ?? { Quantity: 0 },
    Comment,
    Logging: rest.Logging ?? { Enabled: false, IncludeCookies: false, Bucket: "", Prefix: "" },
    PriceClass: rest.PriceClass ?? "PriceClass_All",
    Enabled: rest.Enabled,
    ViewerCertificate: rest.ViewerCertificate ?? {
      CloudFrontDefaultCertificate: true,
      SSLSupportMethod: "vip",
      MinimumProtocolVersion: "TLSv1",
      CertificateSource: "cloudfront",
    },
    Restrictions: rest.Restrictions ?? { GeoRestriction: { RestrictionType: "none", Quantity: 0 } },
    WebACLId: rest.WebACLId ?? "",
    HttpVersion: rest.HttpVersion,
    IsIPV6Enabled: rest.IsIPV6Enabled ?? true,
    ...(rest.ContinuousDeploymentPolicyId !== undefined ? { ContinuousDeploymentPolicyId: rest.ContinuousDeploymentPolicyId } : {}),
    ...(rest.Staging !== undefined ? { Staging: rest.Staging } : {}),
    ...(rest.AnycastIpListId !== undefined ? { AnycastIpListId: rest.AnycastIpListId } : {}),
  };
}

function behaviorOut<B extends DistributionConfig["DefaultCacheBehavior"]>(b: B): Record<string, unknown> {
  return {
    ...b,
    TrustedSigners: b.TrustedSigners ?? { Enabled: false, Quantity: 0 },
    TrustedKeyGroups: b.TrustedKeyGroups ?? { Enabled: false, Quantity: 0 },
    AllowedMethods: b.AllowedMethods ?? { Items: ["HEAD", "GET"], CachedMethods: { Items: ["HEAD", "GET"] } },
    LambdaFunctionAssociations: b.LambdaFunctionAssociations ?? { Quantity: 0 },
    FunctionAssociations: b.FunctionAssociations ?? { Quantity: 0 },
  };
}

/**
 * Status: the answer to Create/Update says `InProgress` as AWS's does; the change is already served
 * when it is sent, so every later read says `Deployed` (`aws cloudfront wait distribution-deployed`
 * returns at its first poll).
 */
function distributionOut(ctx: CloudFrontApiContext, d: FoundDistribution, status: "InProgress" | "Deployed"): Record<string, unknown> {
  return {
    Id: d.id,
    ARN: arnOf("distribution", d.id),
    Status: status,
    LastModifiedTime: records(ctx).modified[d.id] ?? ctx.startedAt,
    InProgressInvalidationBatches: 0,
    DomainName: d.domain,
    ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
    ActiveTrustedKeyGroups: { Enabled: false, Quantity: 0 },
    DistributionConfig: distributionConfigOut(d.config),
  };
}

function etag(d: FoundDistribution): string {
  return etagOf(d.id, d.config);
}

/**
 * Reference fields CloudFront reads as "none" when sent empty: SDK clients (Terraform's AWS provider
 * among them) send `<OriginRequestPolicyId></OriginRequestPolicyId>` and the like for every behaviour
 * and origin that has none, and AWS accepts the distribution (API reference, CacheBehavior /
 * Origin: the ids are optional strings). Dropped before the shared parse, which would look them up.
 */
const EMPTY_MEANS_NONE: ReadonlySet<string> = new Set([
  "OriginRequestPolicyId",
  "ResponseHeadersPolicyId",
  "FieldLevelEncryptionId",
  "RealtimeLogConfigArn",
  "CachePolicyId",
  "OriginAccessControlId",
  "ContinuousDeploymentPolicyId",
  "AnycastIpListId",
]);

function dropEmptyReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmptyReferences);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === "" && EMPTY_MEANS_NONE.has(k)) continue;
    out[k] = dropEmptyReferences(v);
  }
  return out;
}

function readConfig(call: ApiCall): Record<string, unknown> & { Tags?: unknown } {
  return dropEmptyReferences(readConfigXml(call)) as Record<string, unknown> & { Tags?: unknown };
}

function readConfigXml(call: ApiCall): Record<string, unknown> & { Tags?: unknown } {
  if (call.query.has("WithTags")) {
    const r = readXml(call.body, "DistributionConfigWithTags", WithTagsSchema);
    if (!r.ok) throw malformedInput(r.message);
    const v = r.value as { DistributionConfig?: Record<string, unknown>; Tags?: unknown };
    if (!v.DistributionConfig) throw malformedInput("DistributionConfigWithTags needs a DistributionConfig.");
    return { ...v.DistributionConfig, ...(v.Tags ? { Tags: v.Tags } : {}) };
  }
  const r = readXml(call.body, "DistributionConfig", DistributionConfigSchema);
  if (!r.ok) throw malformedInput(r.message);
  return r.value as Record<string, unknown>;
}

/** Another distribution already serving one of these aliases (CNAMEAlreadyExists, 409). */
function checkAliases(ctx: CloudFrontApiContext, config: Record<string, unknown>, self: string | undefined): void {
  const wanted = new Set(listItems(config.Aliases as { Items?: string[] } | undefined).map((a) => String(a).toLowerCase()));
  for (const d of allDistributions(ctx)) {
    if (d.id === self) continue;
    if (listItems(d.config.Aliases).some((a) => wanted.has(a.toLowerCase())))
      throw alreadyExists("CNAMEAlreadyExists", "One or more of the CNAMEs you provided are already associated with a different resource.");
  }
}

/**
 * ViewerCertificate.ACMCertificateArn is looked up in ACM: a certificate that does not exist is
 * refused, and every alias must be one of its names or under one of its wildcards (Developer Guide,
 * "Requirements for using alternate domain names"). A stack file may name any ARN (docs/fidelity.md).
 */
function checkViewerCertificate(ctx: CloudFrontApiContext, config: Record<string, unknown>): void {
  const arn = (config.ViewerCertificate as { ACMCertificateArn?: unknown } | undefined)?.ACMCertificateArn;
  if (typeof arn !== "string") return;
  const names = ctx.certificateNames(arn);
  if (names === undefined) throw invalidViewerCertificate();
  const aliases = listItems(config.Aliases as { Items?: string[] } | undefined).map((a) => String(a).toLowerCase());
  if (aliases.some((a) => !names.some((n) => isCoveredBy(a, n)))) throw aliasNotCovered();
}

function requireApiOwned(ctx: CloudFrontApiContext, d: FoundDistribution, verb: string): void {
  if (ctx.stackApi.ownerOf("distributions", d.name) !== "api")
    throw accessDenied(
      `Distribution ${d.id} ('${d.name}') is defined in the stack file; ${verb} it there (edgeparity re-applies the file when it changes). Resources created through the API can be ${verb}d through the API.`,
    );
}

const createDistribution: Operation["run"] = async (call, _params, ctx) => {
  const { Tags, ...config } = readConfig(call);
  const ref = config.CallerReference;
  if (typeof ref !== "string" || ref === "") throw malformedInput("DistributionConfig needs a CallerReference.");
  let name = "";
  // The checks run inside the mutation: it sees every change made before it, so two concurrent
  // creates with one CallerReference cannot both pass.
  await mutate(
    ctx,
    () => `distributions.${name}.`,
    ({ stack, records: r }) => {
      const distributions = section<Record<string, unknown>>(stack, "distributions");
      // API Reference (CreateDistribution): a CallerReference already used answers DistributionAlreadyExists.
      for (const [other, dc] of Object.entries(distributions)) if (dc.CallerReference === ref) throw distributionAlreadyExists(distributionNames(other).id);
      checkAliases(ctx, config, undefined);
      checkViewerCertificate(ctx, config);
      do name = `api-${newResourceId(ctx).slice(1, 9).toLowerCase()}`;
      while (ctx.stackApi.ownerOf("distributions", name) !== undefined);
      const { id } = distributionNames(name);
      distributions[name] = config;
      r.modified[id] = isoNow(ctx);
      const tags = (Tags as { Items?: { Key: string; Value?: string }[] } | undefined)?.Items;
      if (tags?.length) r.tags[arnOf("distribution", id)] = tags;
    },
  );
  const d = findDistribution(ctx, distributionNames(name).id);
  return xmlAnswer(201, "Distribution", distributionOut(ctx, d, "InProgress"), {
    location: `${call.endpoint}/2020-05-31/distribution/${d.id}`,
    etag: etag(d),
  });
};

const getDistribution: Operation["run"] = async (_call, [id], ctx) => {
  const d = findDistribution(ctx, id!);
  return xmlAnswer(200, "Distribution", distributionOut(ctx, d, "Deployed"), { etag: etag(d) });
};

const getDistributionConfig: Operation["run"] = async (_call, [id], ctx) => {
  const d = findDistribution(ctx, id!);
  return xmlAnswer(200, "DistributionConfig", distributionConfigOut(d.config), { etag: etag(d) });
};

const updateDistribution: Operation["run"] = async (call, [id], ctx) => {
  const { Tags: _ignored, ...config } = readConfig(call);
  let name = "";
  // Found and If-Match-checked inside the mutation, so of two updates with one ETag only the first applies.
  await mutate(
    ctx,
    () => `distributions.${name}.`,
    ({ stack, records: r }) => {
      const d = findDistribution(ctx, id!);
      name = d.name;
      checkIfMatch(call, etag(d));
      requireApiOwned(ctx, d, "update");
      // API Reference (UpdateDistribution): the CallerReference is the distribution's for good.
      if (config.CallerReference !== d.config.CallerReference)
        throw illegalUpdate("The update contains modifications that are not allowed: CallerReference cannot be changed.");
      checkAliases(ctx, config, d.id);
      checkViewerCertificate(ctx, config);
      section(stack, "distributions")[d.name] = config;
      r.modified[d.id] = isoNow(ctx);
    },
  );
  const after = findDistribution(ctx, id!);
  return xmlAnswer(200, "Distribution", distributionOut(ctx, after, "InProgress"), { etag: etag(after) });
};

const deleteDistribution: Operation["run"] = async (call, [id], ctx) => {
  await mutate(
    ctx,
    () => "",
    ({ stack, records: r }) => {
      const d = findDistribution(ctx, id!);
      checkIfMatch(call, etag(d));
      requireApiOwned(ctx, d, "delete");
      if (d.config.Enabled) throw distributionNotDisabled();
      delete section(stack, "distributions")[d.name];
      delete r.modified[d.id];
      delete r.tags[arnOf("distribution", d.id)];
      delete r.invalidations[d.id];
    },
  );
  return { status: 204 };
};

const listDistributions: Operation["run"] = async (call, _params, ctx) => {
  const p = page(allDistributions(ctx), (d) => d.id, call);
  return xmlAnswer(200, "DistributionList", {
    Marker: p.marker,
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    IsTruncated: p.nextMarker !== undefined,
    Items: p.items.map((d) => {
      const {
        DistributionConfig: dc,
        InProgressInvalidationBatches: _n,
        ActiveTrustedSigners: _s,
        ActiveTrustedKeyGroups: _k,
        ...head
      } = distributionOut(ctx, d, "Deployed") as Record<string, unknown> & { DistributionConfig: Record<string, unknown> };
      const { CallerReference: _r, DefaultRootObject: _o, Logging: _l, ...summary } = dc;
      return { ...head, ETag: etag(d), ...summary, Staging: summary.Staging ?? false };
    }),
  });
};

export const DISTRIBUTION_OPERATIONS: readonly Operation[] = [
  { name: "CreateDistributionWithTags", method: "POST", path: "/distribution", query: ["WithTags"], run: createDistribution },
  { name: "CreateDistribution", method: "POST", path: "/distribution", run: createDistribution },
  { name: "ListDistributions", method: "GET", path: "/distribution", run: listDistributions },
  { name: "GetDistribution", method: "GET", path: "/distribution/{Id}", run: getDistribution },
  { name: "GetDistributionConfig", method: "GET", path: "/distribution/{Id}/config", run: getDistributionConfig },
  { name: "UpdateDistribution", method: "PUT", path: "/distribution/{Id}/config", run: updateDistribution },
  { name: "DeleteDistribution", method: "DELETE", path: "/distribution/{Id}", run: deleteDistribution },
];
