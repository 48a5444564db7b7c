import { block, blocks, compact, isSet, opt, sortedSet, type Values } from "./values.js";

/**
 * The separate bucket resources of provider v4+ (aws_s3_bucket_cors_configuration,
 * _website_configuration, _policy) → the bucket configurations the S3 API keeps (PutBucketCors,
 * PutBucketWebsite, PutBucketPolicy), on the bucket their `bucket` argument names.
 */

export function toCorsConfiguration(v: Values): Values {
  return {
    CORSRules: blocks(v.cors_rule).map((r) =>
      compact({
        ID: opt(r.id),
        AllowedHeaders: sortedSet(r.allowed_headers),
        AllowedMethods: sortedSet(r.allowed_methods),
        AllowedOrigins: sortedSet(r.allowed_origins),
        ExposeHeaders: sortedSet(r.expose_headers),
        MaxAgeSeconds: r.max_age_seconds ?? undefined,
      }),
    ),
  };
}

export function toWebsiteConfiguration(v: Values): Values {
  const index = block(v.index_document);
  const error = block(v.error_document);
  const redirect = block(v.redirect_all_requests_to);
  return compact({
    IndexDocument: index ? { Suffix: index.suffix } : undefined,
    ErrorDocument: error ? { Key: error.key } : undefined,
    RedirectAllRequestsTo: redirect ? compact({ HostName: redirect.host_name, Protocol: opt(redirect.protocol) }) : undefined,
    RoutingRules: blocks(v.routing_rule).length
      ? blocks(v.routing_rule).map((r) => {
          const c = block(r.condition);
          const d = block(r.redirect) ?? {};
          return compact({
            Condition: c
              ? compact({
                  HttpErrorCodeReturnedEquals: isSet(c.http_error_code_returned_equals) ? String(c.http_error_code_returned_equals) : undefined,
                  KeyPrefixEquals: opt(c.key_prefix_equals),
                })
              : undefined,
            Redirect: compact({
              HostName: opt(d.host_name),
              HttpRedirectCode: isSet(d.http_redirect_code) ? String(d.http_redirect_code) : undefined,
              Protocol: opt(d.protocol),
              ReplaceKeyPrefixWith: opt(d.replace_key_prefix_with),
              ReplaceKeyWith: opt(d.replace_key_with),
            }),
          });
        })
      : undefined,
  });
}
