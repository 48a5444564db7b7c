import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Stack } from "../model/stack.js";
import type { Clock } from "./clock.js";
import type { Ids } from "./ids.js";
import type { MemorySocket } from "./http/memory-socket.js";
import type { Log } from "./log.js";
import type { TraceScope } from "./trace.js";

/**
 * What a running service gives the gateway: the hosts it answers for, a handler per host, and per
 * host how the shared gateway must treat traffic it cannot hand to the handler (parse errors, head
 * limits, protocols), so a host is answered as its own service would answer on its own listener.
 * HTTP/2 requests arrive through Node's compatibility API, which has the same surface; the gateway
 * normalises them first (`host` from `:authority`, RFC 9113 §8.3.1), so services never see a
 * protocol-version difference.
 */
export interface ConnectionInfo {
  protocol: "http" | "https";
  /** The raw TLS ClientHello record(s) of the connection (HTTPS only), for JA3/JA4 fingerprints. */
  clientHello?: Buffer;
  /** Set on origin doors: the origin DomainName this connection was opened for (never from Host). */
  origin?: string;
  /** The stack the connection was accepted by (its traces, `X-Edgeparity-Trace`); absent on a service's own listener port. */
  trace?: TraceScope;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => void;

/** Why the gateway answers a request itself, before any handler ran. */
export type GatewayRejection =
  /** The HTTP/1.x parser could not read the request (status 400). */
  | "malformed"
  /** The request head exceeds the gateway's parser limit (status 431 unless the service says otherwise). */
  | "head-too-large"
  /** No complete request head arrived within the idle/headers timeout (status 408). */
  | "timeout"
  /** A request method the HTTP/1.1 parser cannot represent, or `CONNECT` (status 400 / 405 / 501). */
  | "method";

export interface HostPolicy {
  /**
   * The whole HTTP/1.1 response (status line, headers, CRLF, body) for a request the gateway must
   * answer itself. The connection is closed after it. Absent: a plain-text 400/431/408.
   */
  rejectRequest?(why: GatewayRejection, detail: string): string;
  /** false: HTTP/2 is not offered in ALPN for this SNI (ALB `routing.http2.enabled=false`). Default true. */
  http2?: boolean;
  /** Which gateway ports serve this host; a TLS handshake for a host without `https` fails. Default both. */
  protocols?: readonly ("http" | "https")[];
  /** Idle timeout of connections whose requests are for this host (ALB `idle_timeout.timeout_seconds`). */
  idleTimeoutMs?: number;
}

export interface RunningService {
  /** Lower-case host name (no port) → handler. */
  readonly routes: ReadonlyMap<string, HttpHandler>;
  /** Lower-case host name → how the gateway treats it; hosts absent here get the defaults. */
  readonly hostPolicies?: ReadonlyMap<string, HostPolicy>;
  /**
   * The service's AWS API on the loopback endpoint users pass as `--endpoint-url` (`localhost`,
   * `127.0.0.1`), chosen by the SigV4 scope's service name (`s3`, `cloudfront`, `elasticloadbalancing`).
   */
  controlPlane?: ControlPlane;
  /** Further AWS APIs of the same service, by their own signing names (CloudFront's `cloudfront-keyvaluestore`). */
  moreControlPlanes?: readonly ControlPlane[];
  /** Hosts the route table cannot list (wildcard aliases, buckets created at run time), or undefined. */
  resolveHost?(host: string): HttpHandler | undefined;
  /**
   * One phrase on how an origin DomainName this service serves will answer `caller` right now
   * (`bucket site: 3 objects; s3:GetObject allowed by Statement[0]`), or undefined when it is not
   * this service's: the start-up health line of each distribution (issue 15).
   */
  describeOrigin?(domain: string, caller: OriginCaller): string | undefined;
  /** The names an ACM certificate ARN covers (DomainName + SubjectAlternativeNames), or undefined when this service keeps no such certificate (ACM). */
  certificateNames?(certificateArn: string): readonly string[] | undefined;
  /**
   * The ACM certificates this service's resources name (a distribution's `ViewerCertificate.ACMCertificateArn`
   * with its aliases, an HTTPS listener's `Certificates`): who uses each (`user`, an ARN for ACM's
   * InUseBy) and the viewer hosts the shared gateway serves with it.
   */
  certificateUsers?(): readonly CertificateUse[];
  close(): Promise<void>;
}

export interface CertificateUse {
  certificateArn: string;
  /** The resource's ARN (`arn:aws:cloudfront::…:distribution/E…`). */
  user: string;
  /** Host names the shared HTTPS port serves with this certificate (a distribution's aliases, a load balancer's DNS names). */
  hosts: readonly string[];
  /** The served certificate names `hosts` too, besides the ACM certificate's names (a load balancer's own DNS names). */
  alsoCoversHosts?: boolean;
}

/** Who an origin request comes from: CloudFront, signing with OAC (or not), for one distribution. */
export interface OriginCaller {
  /** `cloudfront.amazonaws.com` */
  service: string;
  /** The distribution's ARN (`aws:SourceArn`). */
  sourceArn: string;
  /** Signed with OAC; unsigned requests are anonymous. */
  signed: boolean;
  /** The object a viewer most likely asks first (DefaultRootObject, else `index.html`). */
  sampleKey: string;
}

/**
 * A service's AWS API. Either a raw handler that reads and authenticates the request itself (S3,
 * whose bodies stream and whose SigV4 has S3's own rules), or — for every other service — an
 * `answer` function over a buffered, already verified call: `aws-api/` reads the body, checks
 * the SigV4 signature against the local credentials (core/account.ts) and answers a bad one with
 * the protocol's own error (`SignatureDoesNotMatch`, `InvalidClientTokenId`), so a service's
 * operations only ever see authenticated calls. A throw from `answer` becomes the protocol's 500.
 */
export type ControlPlane =
  | { signingName: string; handler: HttpHandler }
  | {
      signingName: string;
      /** How errors the endpoint answers itself (signature, body too large, a crash) are written. */
      protocol: ApiProtocol;
      /** `undefined`: an operation this service does not implement (answered NotImplemented, naming it). */
      answer(call: ApiCall): Promise<ApiAnswer | undefined>;
    };

/** An AWS API protocol as `aws-api/` writes its errors: REST-XML (CloudFront), Query (ELBv2, STS, IAM), JSON. */
export interface ApiProtocol {
  kind: "rest-xml" | "query" | "ec2" | "json";
  /** The XML namespace of the service's responses (rest-xml / query), e.g. `http://cloudfront.amazonaws.com/doc/2020-05-31/`. */
  xmlns?: string;
  /** What AWS calls the service in messages (`CloudFront`). */
  title: string;
}

/** One authenticated API call, body read. */
export interface ApiCall {
  method: string;
  /** The request path as sent (percent-encoded), without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The request id the answer must carry (`x-amzn-RequestId`, `<RequestId>`). */
  requestId: string;
  /** The access key the call was signed with. */
  accessKeyId: string;
  /** `http://localhost:4480` as the client reached us, for `Location` headers. */
  endpoint: string;
}

export interface ApiAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * A stack file fragment: the same top-level sections and shapes as a stack file
 * (`distributions`, `cachePolicies`, `loadBalancers`, `buckets` …, AWS's own field names), as
 * unparsed input. The resources the AWS API created live in one such fragment (issue 11).
 */
export type StackFragment = Record<string, unknown>;

/**
 * The control plane's share of the running stack (issue 11 "every API call is a revision of the
 * same running stack"). API-created resources are a stack fragment of their own, merged beside the
 * stack file's sources (importers/merge-sources.ts: a name both define differently is refused),
 * parsed by the same parseStack() and served through the engine's `update()`, so validation,
 * messages and revisions are those of a stack file. The fragment and each service's records
 * persist in `<stateDir>/api/stack.json` (written atomically) and come back on the next start.
 *
 * Rule between the file and the API (README "Stack file and AWS API"): the file's resources are
 * re-applied whenever the file changes and are read-only through the API; API resources live
 * beside them and survive file edits and restarts; a name in both, defined differently, is refused
 * (the API call, or the file's revision, that introduces it fails and nothing changes).
 */
export interface StackApi {
  /** The stack the current revision serves: file + API resources, parsed, defaults filled in. */
  live(): Stack;
  /** A deep copy of the API's fragment. Changing it changes nothing; use `mutate`. */
  fragment(): StackFragment;
  /**
   * A deep copy of one service's records: JSON bookkeeping the stack has no field for (ETags,
   * CallerReferences, creation times, tags, record-only resources), persisted with the fragment.
   */
  records<R>(service: string): R | undefined;
  /** `api`: the fragment defines it; `file`: only the stack file does; undefined: neither. */
  ownerOf(section: string, name: string): "api" | "file" | undefined;
  /**
   * Run `change` on drafts of the fragment and of `service`'s records (one mutation at a time,
   * also against file updates). When the fragment changed, the file's sources + the draft are
   * parsed and served as the next revision; then both are persisted. Resolves with `change`'s
   * result and the revision serving it (unchanged when only records changed). A throw from
   * `change` changes nothing and is rethrown; a stack the parse or bind refuses rejects with its
   * EdgeparityError (STACK_INVALID / BINDING_MISSING, one `  <field path>: <Code>: message` line
   * per problem, see `stackProblems`), and nothing changes.
   */
  mutate<T, R = unknown>(service: string, change: (draft: MutationDraft<R>) => T): Promise<{ result: T; revision: number }>;
}

/** What a mutation may change: the fragment, and this service's records (assign `records` to set them). */
export interface MutationDraft<R> {
  stack: StackFragment;
  records: R | undefined;
}

/**
 * The live-engine contract (design.md "Contracts, in names"). A service is a declaration listed
 * once in `services/index.ts`; the engine drives every one through the same three steps per
 * revision: `bind` (I/O checks, what it claims and offers) → `compile` (the revision's frozen Plan)
 * → `start` once, then `apply(plan)` for every later revision. Nothing outside the service's folder
 * and the registry line names it.
 */
export interface ServiceModule<S, B, P, L extends LiveService<P> = LiveService<P>> {
  readonly name: string;
  /**
   * Resolve the stack's cloud names to local stand-ins for this service (folders exist, handler
   * files load…). Problems are returned, not thrown, so one update reports every service's at once.
   */
  bind(stack: S, ctx: BindContext): Promise<ServiceBinding<B>>;
  /** The revision's plan. Deterministic for (stack, binding, ctx); runs for every revision. */
  compile(stack: S, binding: B, ctx: CompileContext): Promise<P>;
  /** The first revision's runtime; later revisions arrive through `apply`. */
  start(plan: P, ctx: ServiceContext): Promise<L>;
  /** Control-plane operations (AWS-compatible APIs) the service answers; none yet. */
  readonly operations?: readonly unknown[];
  /**
   * What a stack file cannot hold of this service's API records (`records`, as `StackApi.records`
   * gives them) beside the API's `fragment`: one line per resource, printed by `edgeparity export`
   * as a warning, so nothing is dropped silently.
   */
  exportGaps?(records: unknown, fragment: StackFragment): string[];
}

export interface ServiceBinding<B> {
  /** Passed back to this service's compile. */
  binding: B;
  /** `<field path>: what is missing and the line to add`, one per problem. */
  problems: string[];
  /**
   * A host this service serves for an origin DomainName another service names (a bucket's
   * `my-bucket.s3.amazonaws.com`, a load balancer's AWS DNS name), or undefined when it is not
   * this service's. The engine routes the domain to that host's handler and opens its origin door.
   */
  claimOrigin?(domain: string): string | undefined;
  /** What this service offers others for this revision (named contracts, see `Offers`). */
  offers?: Partial<Offers>;
}

/** Named contracts between services: each field is offered by one service and read by others. */
export interface Offers {
  /**
   * SigV4 principals a signing service (CloudFront OAC) uses toward a verifying one (S3), with
   * the `aws:SourceArn` they carry for policy conditions (cloudfront.md §10.4, s3.md §8).
   */
  signingPrincipals: readonly SigningPrincipal[];
}

export interface SigningPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  /** Who signs with this key, for policy conditions: `cloudfront.amazonaws.com` and the distribution's ARN. */
  principal: { service: string; sourceArn: string };
}

export interface BindContext {
  baseDir: string;
  stateDir: string;
  region: string;
  log: Log;
}

/** Where an origin door is reached: its loopback ports, and the same doors without the loopback hop. */
export interface OriginDoorAddress {
  httpUrl: string;
  httpsUrl: string;
  /** Absent when the stack reaches its own origins over TCP (`originHop: "tcp"`). */
  connectHttp?: () => MemorySocket;
  connectHttps?: () => MemorySocket;
}

export interface CompileContext extends BindContext {
  /** Every service's offers for this revision, merged. */
  offers: Offers;
  /** The origin domains this service claimed for others in this revision (see ServiceBinding.claimOrigin). */
  claimed: readonly string[];
  /**
   * Where an origin DomainName that some service of this stack claims is reached: its origin door
   * (a loopback port pair of its own, so its Host never routes it). Undefined: nobody claims it.
   */
  originDoor(domain: string): Promise<OriginDoorAddress | undefined>;
  ids: Ids;
  clock: Clock;
}

export interface ServiceContext {
  clock: Clock;
  ids: Ids;
  log: Log;
  region: string;
  stateDir: string;
  /** Address the services' own listener ports bind to (an ALB listener's port). */
  host: string;
  /** Ports of the shared gateway (for redirects and links that name them). */
  httpPort: number;
  httpsPort: number;
  /** PEM of the local CA every served certificate chains to (trust it for HTTPS between services). */
  caPem: string;
  /** A certificate (leaf + chain) covering these names, for a service's own HTTPS listener port. */
  certificateFor(hosts: readonly string[]): Promise<{ keyPem: string; certPem: string }>;
  /** The names an ACM certificate ARN covers, from whichever running service keeps it; undefined when none does. */
  certificateNames(certificateArn: string): readonly string[] | undefined;
  /** The ARNs of resources (of every running service) that name this ACM certificate now. */
  certificateUsers(certificateArn: string): string[];
  /** The API's share of the running stack (control-plane operations create and change resources here). */
  stackApi: StackApi;
  /** The stack's trace scope, for connections a service accepts on its own ports (core/trace.ts). */
  trace?: TraceScope;
}

/** A running service: its routes follow the plan it was last given. */
export interface LiveService<P> extends RunningService {
  /**
   * Serve `plan` from now on. Requests in flight finish on the plan they started with; state that
   * `plan` leaves unchanged (cache entries, health, processes, files) survives. A rejection means
   * the service still serves its previous plan.
   */
  apply(plan: P): Promise<void>;
}
