/**
 * Website configuration (s3.md §9) as PutBucketWebsite / the stack's WebsiteConfiguration give it,
 * compiled once: index suffix, error document, routing rules in order.
 */
export interface WebsiteConfig {
  IndexDocument?: { Suffix: string };
  ErrorDocument?: { Key: string };
  RedirectAllRequestsTo?: { HostName: string; Protocol?: string };
  RoutingRules?: {
    Condition?: { KeyPrefixEquals?: string; HttpErrorCodeReturnedEquals?: string };
    Redirect: { Protocol?: string; HostName?: string; ReplaceKeyPrefixWith?: string; ReplaceKeyWith?: string; HttpRedirectCode?: string };
  }[];
}

export interface WebsitePlan {
  indexSuffix: string | undefined;
  errorKey: string | undefined;
  redirectAll: { hostName: string; protocol: string | undefined } | undefined;
  rules: NonNullable<WebsiteConfig["RoutingRules"]>;
}

export class WebsiteConfigError extends Error {}

export function compileWebsite(c: WebsiteConfig): WebsitePlan {
  if (c.RedirectAllRequestsTo && (c.IndexDocument || c.ErrorDocument || c.RoutingRules?.length))
    throw new WebsiteConfigError("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.");
  if (!c.RedirectAllRequestsTo) {
    const suffix = c.IndexDocument?.Suffix;
    if (!suffix) throw new WebsiteConfigError("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
    if (suffix.includes("/")) throw new WebsiteConfigError("The IndexDocument Suffix is not well formed");
  }
  return {
    indexSuffix: c.IndexDocument?.Suffix,
    errorKey: c.ErrorDocument?.Key,
    redirectAll: c.RedirectAllRequestsTo ? { hostName: c.RedirectAllRequestsTo.HostName, protocol: c.RedirectAllRequestsTo.Protocol } : undefined,
    rules: c.RoutingRules ?? [],
  };
}
