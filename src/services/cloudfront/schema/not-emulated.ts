import { listItems } from "../../../model/aws-list.js";
import type { DistributionConfig } from "./distribution-config.js";

/**
 * Fields a DistributionConfig may carry that this version accepts but does not apply. Each one set
 * to a value that would change request handling produces a load-time warning naming its path, so no
 * setting is silently ignored (docs/fidelity.md lists the same rows).
 */
export interface NotEmulated {
  path: (string | number)[];
  message: string;
}

const on = (v: { Enabled?: boolean } | undefined) => v?.Enabled === true;

export function findNotEmulated(dc: DistributionConfig): NotEmulated[] {
  const out: NotEmulated[] = [];
  const add = (path: (string | number)[], message: string) => out.push({ path, message });

  if (dc.Logging?.Enabled) add(["Logging"], "not emulated: standard logs go to stdout (--log-format cloudfront), not to an S3 bucket");
  // ACMCertificateArn is honoured: the aliases are served with a local-CA certificate for that ACM
  // certificate's names (engine/acm-certificates.ts). An IAM certificate has no local stand-in.
  const vc = dc.ViewerCertificate;
  if (vc && vc["CloudFrontDefaultCertificate"] !== true && typeof vc["ACMCertificateArn"] !== "string") {
    add(["ViewerCertificate"], "not emulated: HTTPS uses edgeparity's local CA for every host");
  }
  if (typeof vc?.["IAMCertificateId"] === "string")
    add(["ViewerCertificate", "IAMCertificateId"], "not emulated: IAM server certificates; the local CA serves the aliases");
  const geo = dc.Restrictions?.GeoRestriction;
  if (geo && geo.RestrictionType !== "none") add(["Restrictions", "GeoRestriction"], "not emulated: viewers on loopback have no location");
  if (dc.WebACLId) add(["WebACLId"], "not emulated: AWS WAF is not part of edgeparity yet");
  if (dc.HttpVersion === "http3" || dc.HttpVersion === "http2and3") add(["HttpVersion"], "not emulated: HTTP/3 is not served; HTTP/1.1 and HTTP/2 are");
  if (dc.HttpVersion === "http1.1") add(["HttpVersion"], "approximated: the shared HTTPS port offers HTTP/2 to every host");
  if (dc.ContinuousDeploymentPolicyId) add(["ContinuousDeploymentPolicyId"], "not emulated: continuous deployment (staging distributions)");
  if (dc.Staging) add(["Staging"], "not emulated: staging distributions");
  if (dc.AnycastIpListId) add(["AnycastIpListId"], "not emulated: anycast static IPs");
  if (dc.TenantConfig !== undefined) add(["TenantConfig"], "not emulated: multi-tenant distributions");
  if (dc.ConnectionMode !== undefined) add(["ConnectionMode"], "not emulated: multi-tenant distributions");

  listItems(dc.Origins).forEach((o, i) => {
    const p = ["Origins", "Items", i];
    if (o.OriginShield?.Enabled) add([...p, "OriginShield"], "not emulated: there is one cache layer");
    if (o.S3OriginConfig?.OriginAccessIdentity) add([...p, "S3OriginConfig", "OriginAccessIdentity"], "not emulated: legacy OAI signing");
    if (o.CustomOriginConfig?.OriginSslProtocols)
      add([...p, "CustomOriginConfig", "OriginSslProtocols"], "approximated: Node's TLS defaults are used toward origins");
    if (o.CustomOriginConfig?.IpAddressType) add([...p, "CustomOriginConfig", "IpAddressType"], "not emulated: origins are reached over loopback");
    if (o.ResponseCompletionTimeout !== undefined) add([...p, "ResponseCompletionTimeout"], "not emulated");
    if (o.VpcOriginConfig !== undefined) add([...p, "VpcOriginConfig"], "not emulated: VPC origins");
  });

  listItems(dc.OriginGroups).forEach((g, i) => {
    // media-quality-based selection needs MediaPackage v2 quality scores; locally it is plain failover.
    if (g.SelectionCriteria === "media-quality-based")
      add(["OriginGroups", "Items", i, "SelectionCriteria"], "not emulated: media-quality-based selection; the group fails over as with default");
  });

  const behaviors: [(string | number)[], DistributionConfig["DefaultCacheBehavior"]][] = [[["DefaultCacheBehavior"], dc.DefaultCacheBehavior]];
  listItems(dc.CacheBehaviors).forEach((b, i) => behaviors.push([["CacheBehaviors", "Items", i], b]));
  for (const [p, b] of behaviors) {
    if (on(b.TrustedSigners) || on(b.TrustedKeyGroups))
      add([...p, on(b.TrustedSigners) ? "TrustedSigners" : "TrustedKeyGroups"], "not emulated yet: signed URLs and cookies are not checked");
    if (b.SmoothStreaming) add([...p, "SmoothStreaming"], "not emulated: Microsoft Smooth Streaming");
    if (b.FieldLevelEncryptionId) add([...p, "FieldLevelEncryptionId"], "not emulated: field-level encryption");
    if (b.RealtimeLogConfigArn) add([...p, "RealtimeLogConfigArn"], "not emulated: real-time logs");
    if (b.GrpcConfig?.Enabled) add([...p, "GrpcConfig"], "not emulated: gRPC");
  }
  return out;
}
