import type { MemorySocket } from "../../../core/http/memory-socket.js";
// A leaf file, not the functions door: the door reaches the edge, which reads plans.
import type { CloudFrontFunction } from "../functions/cloudfront-function.js";
import type { PathMatcher } from "./path-pattern.js";
import type { CacheKeyRecipe } from "./cache-key.js";
import type { ForwardingRecipe } from "./forwarding.js";
import type { CachePolicyConfig } from "../schema/policies.js";
import type { ResponseHeadersPlan } from "./response-headers-policy.js";

/** The frozen runtime form of one distribution; built once per stack revision. */
export interface DistributionPlan {
  name: string;
  id: string;
  /** `d…….cloudfront.localhost`, lower-case. */
  domain: string;
  aliases: readonly string[];
  /** `ViewerCertificate.ACMCertificateArn`: the aliases are served with this ACM certificate's names (engine/acm-certificates.ts). */
  certificateArn?: string;
  enabled: boolean;
  /** Object the root `/` maps to, with its leading slash (`/index.html`), or "" when unset. */
  defaultRootPath: string;
  /** In listed order; the default behaviour is last and matches everything. */
  behaviors: readonly BehaviorPlan[];
  /**
   * The behaviours, in order, that can match a path (core/first-segment-index.ts); undefined when
   * so few patterns fix a first segment that scanning `behaviors` is as cheap.
   */
  behaviorsFor?: (path: string) => readonly BehaviorPlan[];
  origins: ReadonlyMap<string, OriginPlan>;
  customErrors: ReadonlyMap<number, CustomErrorPlan>;
  /** `1.1 <hex>.cloudfront.net (CloudFront)` — one stable edge host label per distribution. */
  via: string;
  pop: string;
  /**
   * Every origin domain this stack binds (its distributions' origins, `local.origins`), lower-case:
   * where an origin-request Lambda@Edge may send a request (cloudfront.md §10.7).
   */
  originEndpoints: ReadonlyMap<string, { http: OriginEndpoint; https: OriginEndpoint }>;
}

export interface BehaviorPlan {
  /** `*` for the default behaviour. */
  pathPattern: string;
  matches: PathMatcher;
  index: number;
  origin: OriginPlan;
  viewerProtocolPolicy: "allow-all" | "https-only" | "redirect-to-https";
  allowedMethods: ReadonlySet<string>;
  cachedMethods: ReadonlySet<string>;
  /** Resolved cache policy, or legacy TTLs dressed as one. */
  cachePolicy: CachePolicyConfig;
  cachePolicyId: string | undefined;
  recipe: ForwardingRecipe;
  /** What the cache key holds (cloudfront.md §4.2), precomputed. */
  cacheKey: CacheKeyRecipe;
  /** Set when TargetOriginId names an origin group; `origin` is then its primary (cloudfront.md §10.6). */
  originGroup: OriginGroupPlan | undefined;
  /** S3 origins behind these managed ORPs do not receive S3's response-* overrides (cloudfront.md §5.2). */
  withholdsS3ResponseOverrides: boolean;
  compress: boolean;
  /** LambdaFunctionAssociations by EventType (cloudfront.md §14.1); undefined when the behaviour has none. */
  lambdaEdge: LambdaEdgeAssociations | undefined;
  /** ResponseHeadersPolicyId resolved and compiled (cloudfront.md §6); undefined when none. */
  responseHeadersPolicy: ResponseHeadersPlan | undefined;
  /** CloudFront Functions by event type (FunctionAssociations, cloudfront.md §13). */
  functions: BehaviorFunctions;
}

/** The CloudFront Functions a behaviour runs, compiled once per revision. */
export interface BehaviorFunctions {
  "viewer-request"?: CloudFrontFunction;
  "viewer-response"?: CloudFrontFunction;
}

export type LambdaEdgeEventType = "viewer-request" | "origin-request" | "origin-response" | "viewer-response";

/** One LambdaFunctionAssociation, its ARN split (cloudfront.md §14.1: a numbered version, us-east-1). */
export interface LambdaEdgeAssociation {
  eventType: LambdaEdgeEventType;
  functionArn: string;
  /** The Lambda runtime's FunctionName (the ARN's name part). */
  functionName: string;
  includeBody: boolean;
}

export type LambdaEdgeAssociations = Readonly<Partial<Record<LambdaEdgeEventType, LambdaEdgeAssociation>>>;

export interface OriginEndpoint {
  /** Scheme, host and port to connect to, e.g. `http://127.0.0.1:4480`. */
  connectUrl: string;
  /** Host header the origin receives by default: the origin's DomainName, as in AWS. */
  hostHeader: string;
  /** TLS server name to present; the origin domain. */
  servername: string;
  /**
   * An origin door of this process reached without the loopback hop (issue 14): a connection to
   * `connectUrl` made in memory, the bytes on it the same (for HTTPS the TLS handshake and records).
   */
  connectInMemory?: () => MemorySocket;
}

export interface OriginPlan {
  id: string;
  domainName: string;
  originPath: string;
  isS3: boolean;
  protocolPolicy: "http-only" | "https-only" | "match-viewer";
  customHeaders: readonly (readonly [string, string])[];
  connectionAttempts: number;
  connectionTimeoutMs: number;
  readTimeoutMs: number;
  keepAliveMs: number;
  /** CustomOriginConfig HTTPPort / HTTPSPort (80 / 443 for S3): what an origin-request event shows (§14.2). */
  ports: { http: number; https: number };
  http: OriginEndpoint;
  https: OriginEndpoint;
  /** Origin Access Control signing of S3 requests (cloudfront.md §10.4); absent = unsigned. */
  oac?: OacSigning;
}

/** How a distribution signs an S3 origin's requests: the OAC's behaviour and the local service-principal key. */
export interface OacSigning {
  signingBehavior: "always" | "never" | "no-override";
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface CustomErrorPlan {
  errorCode: number;
  pagePath: string | undefined;
  responseCode: number | undefined;
  errorCachingMinTtl: number;
}

export interface OriginGroupPlan {
  id: string;
  primary: OriginPlan;
  secondary: OriginPlan;
  /** FailoverCriteria.StatusCodes (cloudfront.md §10.6). */
  failoverStatusCodes: ReadonlySet<number>;
}
