/** Small DistributionConfig builders for tests, in AWS's own shapes. */
export const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
export const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3";
export const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
export const CORS_S3_ORIGIN = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

export const ALL_METHODS = { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] };

export function customOrigin(id: string, domain: string, extra: Record<string, unknown> = {}) {
  return {
    Id: id,
    DomainName: domain,
    CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginReadTimeout: 30 },
    ...extra,
  };
}

/** One distribution whose default behaviour goes to a custom origin bound to `originUrl`. */
export function singleOriginStack(originUrl: string, behavior: Record<string, unknown> = {}, dc: Record<string, unknown> = {}) {
  return {
    distributions: {
      test: {
        Origins: { Items: [customOrigin("origin", "origin.example.com")] },
        DefaultCacheBehavior: {
          TargetOriginId: "origin",
          ViewerProtocolPolicy: "allow-all",
          CachePolicyId: CACHING_DISABLED,
          AllowedMethods: ALL_METHODS,
          ...behavior,
        },
        ...dc,
      },
    },
    local: { origins: { "origin.example.com": originUrl } },
  };
}

/** AWS's `{ Quantity, Items }` list wrapper. */
export const awsItems = <T>(...items: T[]) => ({ Quantity: items.length, Items: items });
