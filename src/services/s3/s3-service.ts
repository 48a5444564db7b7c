import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { ConnectionInfo } from "../../core/service.js";
import { SigV4Verifier, type Credential } from "./auth/sigv4.js";
import { BucketState } from "./bucket-state.js";
import { CORS_NO_BUCKET, CORS_NOT_ALLOWED, CORS_NOT_ENABLED, evaluateCors } from "./cors/evaluate-cors.js";
import {
  accessDenied,
  bucketAlreadyOwnedByYou,
  bucketNotEmpty,
  corsForbidden,
  corsOriginMissing,
  internalError,
  invalidBucketName,
  methodNotAllowed,
  noSuchBucket,
  type S3Error,
} from "./errors.js";
import { evaluatePolicy } from "./policy/evaluate-policy.js";
import {
  deleteBucketCors,
  deleteBucketPolicy,
  deleteBucketWebsite,
  deleteObjects,
  getBucketCors,
  getBucketPolicy,
  getBucketWebsite,
  listObjects,
  OWNER_ID,
  putBucketCors,
  putBucketPolicy,
  putBucketWebsite,
} from "./rest/bucket-ops.js";
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart } from "./rest/multipart-ops.js";
import { copyObject, deleteObject, getObject, putObject, type ObjectOpsDeps } from "./rest/object-ops.js";
import { postObject, type PostObjectDeps } from "./rest/post-object.js";
import { escapeXml } from "./errors.js";
import { has, isoMillis, sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./rest/s3-call.js";

/**
 * The S3 REST endpoint. Per request: address (bucket, key, query) → OPTIONS preflight or SigV4
 * authentication → actual-request CORS headers → bucket policy → the operation (s3.md §1, §6–8).
 */
export interface S3ServiceDeps {
  clock: Clock;
  ids: Ids;
  log: Log;
  region: string;
  credentials: readonly Credential[];
  /** Folder under which each bucket keeps `<name>/objects`, `uploads`, `bucket.json`. */
  storeRoot: string;
}

const BUCKET_NAME =
  /^(?!xn--)(?!sthree-)(?!amzn-s3-demo-)(?!.*(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT_ARN = "arn:aws:iam::000000000000:root";

export class S3Service {
  readonly buckets = new Map<string, BucketState>();
  readonly #verifier: SigV4Verifier;
  readonly #objectDeps: ObjectOpsDeps;
  readonly #postDeps: PostObjectDeps;

  constructor(readonly deps: S3ServiceDeps) {
    this.#verifier = new SigV4Verifier(deps.credentials);
    this.#objectDeps = {
      now: () => deps.clock.now(),
      canList: (call) => this.#allowed(call, "s3:ListBucket", `arn:aws:s3:::${call.bucketName}`) === undefined,
      bucket: (name) => this.buckets.get(name),
    };
    this.#postDeps = {
      now: () => deps.clock.now(),
      region: deps.region,
      verifier: this.#verifier,
      authorize: (call, credential, key) => {
        if (credential) signIn(call, credential);
        return this.#allowed(call, "s3:PutObject", `arn:aws:s3:::${call.bucketName}/${key}`);
      },
    };
  }

  /** Opens every bucket found on disk under storeRoot (buckets made through the API earlier). */
  async loadPersisted(): Promise<void> {
    const names = await readdir(this.deps.storeRoot).catch(() => [] as string[]);
    for (const name of names) {
      const s = await stat(join(this.deps.storeRoot, name, "bucket.json")).catch(() => undefined);
      if (s && !this.buckets.has(name)) await this.openBucket(name);
    }
  }

  async openBucket(name: string): Promise<BucketState> {
    let b = this.buckets.get(name);
    if (!b) {
      b = await BucketState.open(name, join(this.deps.storeRoot, name), this.deps.clock.now(), this.deps.ids.uuid);
      this.buckets.set(name, b);
    }
    return b;
  }

  /** `virtualBucket` is set for virtual-hosted requests; otherwise the path names the bucket. */
  handle(req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo, virtualBucket: string | undefined): void {
    const requestId = this.deps.ids.hex32().slice(0, 16).toUpperCase();
    const call = this.#address(req, res, conn, virtualBucket, requestId);
    this.#dispatch(call).catch((e: unknown) => {
      this.deps.log.error(`s3: ${req.method} ${req.url} failed inside edgeparity: ${(e as Error).stack ?? e}`);
      sendError(call, internalError());
    });
  }

  #address(req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo, virtualBucket: string | undefined, requestId: string): S3Call {
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    const rawPath = qi === -1 ? url : url.slice(0, qi);
    const query = parseQuery(qi === -1 ? "" : url.slice(qi + 1));
    let bucketName = virtualBucket;
    let rawKey: string | undefined;
    if (virtualBucket !== undefined) rawKey = rawPath.length > 1 ? rawPath.slice(1) : undefined;
    else {
      const slash = rawPath.indexOf("/", 1);
      const first = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
      bucketName = first === "" ? undefined : safeDecode(first);
      rawKey = slash === -1 || slash === rawPath.length - 1 ? undefined : rawPath.slice(slash + 1);
    }
    return {
      req,
      res,
      method: req.method ?? "GET",
      rawPath,
      query,
      bucketName,
      // `+` in a path is a literal plus (s3.md §2.2).
      key: rawKey === undefined ? undefined : safeDecode(rawKey),
      bucket: bucketName === undefined ? undefined : this.buckets.get(bucketName),
      requestId,
      hostId: Buffer.from(requestId + requestId).toString("base64"),
      principal: { kind: "anonymous" },
      isSigned: false,
      payloadHash: undefined,
      isSecure: conn.protocol === "https",
      sourceIp: normaliseIp(req.socket.remoteAddress),
      extraHeaders: {},
    };
  }

  async #dispatch(call: S3Call): Promise<void> {
    if (call.method === "OPTIONS") return this.#preflight(call);
    const auth = await this.#verifier.authenticate({
      method: call.method,
      rawPath: call.rawPath,
      query: call.query,
      headers: call.req.headers,
      now: this.deps.clock.now(),
      region: this.deps.region,
    });
    if (auth.kind === "error") return sendError(call, auth.error);
    if (auth.kind === "signed") {
      signIn(call, auth.credential);
      call.payloadHash = auth.payloadHash;
      if (auth.presigned) hoistAmzQueryParams(call);
    }
    this.#applyActualCors(call);
    if (call.bucketName === undefined) {
      if (call.method === "GET") return this.#listBuckets(call);
      return sendError(call, methodNotAllowed(call.method, "SERVICE"));
    }
    const bucket = call.bucket;
    if (!bucket) {
      if (call.method === "PUT" && call.key === undefined) return this.#createBucket(call);
      if (call.method === "HEAD") return sendError(call, { ...noSuchBucket(call.bucketName), extra: {} });
      return sendError(call, noSuchBucket(call.bucketName));
    }
    return call.key === undefined ? this.#bucketOperation(call, bucket) : this.#objectOperation(call, bucket, call.key);
  }

  async #objectOperation(call: S3Call, bucket: BucketState, key: string): Promise<void> {
    const resource = `arn:aws:s3:::${bucket.name}/${key}`;
    const m = call.method;
    const now = this.deps.clock.now();
    const deny = (action: string) => this.#allowed(call, action, resource);
    if (m === "GET" || m === "HEAD") {
      if (has(call, "uploadId")) return this.#guard(call, deny("s3:ListMultipartUploadParts"), () => listParts(call, bucket, key));
      return this.#guard(call, deny("s3:GetObject"), () => getObject(call, bucket, key, this.#objectDeps));
    }
    if (m === "PUT") {
      if (has(call, "uploadId") && has(call, "partNumber")) return this.#guard(call, deny("s3:PutObject"), () => uploadPart(call, bucket, key, now));
      if (call.req.headers["x-amz-copy-source"] !== undefined)
        return this.#guard(call, deny("s3:PutObject"), () =>
          copyObject(call, bucket, key, this.#objectDeps, (b, k) => this.#allowed(call, "s3:GetObject", `arn:aws:s3:::${b}/${k}`)),
        );
      return this.#guard(call, deny("s3:PutObject"), () => putObject(call, bucket, key, this.#objectDeps));
    }
    if (m === "POST") {
      if (has(call, "uploads")) return this.#guard(call, deny("s3:PutObject"), () => createMultipartUpload(call, bucket, key, now));
      if (has(call, "uploadId")) return this.#guard(call, deny("s3:PutObject"), () => completeMultipartUpload(call, bucket, key, now));
      return sendError(call, methodNotAllowed("POST"));
    }
    if (m === "DELETE") {
      if (has(call, "uploadId")) return this.#guard(call, deny("s3:AbortMultipartUpload"), () => abortMultipartUpload(call, bucket, key));
      return this.#guard(call, deny("s3:DeleteObject"), () => deleteObject(call, bucket, key));
    }
    return sendError(call, methodNotAllowed(m));
  }

  async #bucketOperation(call: S3Call, bucket: BucketState): Promise<void> {
    const arn = `arn:aws:s3:::${bucket.name}`;
    const m = call.method;
    const deny = (action: string) => this.#allowed(call, action, arn);
    const sub = (name: string) => has(call, name);
    if (sub("cors")) {
      if (m === "GET") return this.#guard(call, deny("s3:GetBucketCORS"), () => getBucketCors(call, bucket));
      if (m === "PUT") return this.#guard(call, deny("s3:PutBucketCORS"), () => putBucketCors(call, bucket));
      if (m === "DELETE") return this.#guard(call, deny("s3:PutBucketCORS"), () => deleteBucketCors(call, bucket));
    } else if (sub("policy")) {
      if (m === "GET") return this.#guard(call, deny("s3:GetBucketPolicy"), () => getBucketPolicy(call, bucket));
      if (m === "PUT") return this.#guard(call, deny("s3:PutBucketPolicy"), () => putBucketPolicy(call, bucket));
      if (m === "DELETE") return this.#guard(call, deny("s3:DeleteBucketPolicy"), () => deleteBucketPolicy(call, bucket));
    } else if (sub("website")) {
      if (m === "GET") return this.#guard(call, deny("s3:GetBucketWebsite"), () => getBucketWebsite(call, bucket));
      if (m === "PUT") return this.#guard(call, deny("s3:PutBucketWebsite"), () => putBucketWebsite(call, bucket));
      if (m === "DELETE") return this.#guard(call, deny("s3:DeleteBucketWebsite"), () => deleteBucketWebsite(call, bucket));
    } else if (sub("delete") && m === "POST") {
      return deleteObjects(call, bucket, (key) => this.#allowed(call, "s3:DeleteObject", `${arn}/${key}`));
    } else if (sub("uploads") && m === "GET") {
      return this.#guard(call, deny("s3:ListBucketMultipartUploads"), () => listMultipartUploads(call, bucket));
    } else if (sub("location") && m === "GET") {
      return this.#guard(call, deny("s3:GetBucketLocation"), () => sendXml(call, 200, `<LocationConstraint xmlns="${S3_XMLNS}"/>`));
    } else if (m === "GET" && (sub("versioning") || sub("acl") || sub("tagging") || sub("encryption") || sub("lifecycle") || sub("replication"))) {
      return sendError(call, { status: 501, code: "NotImplemented", message: "A header you provided implies functionality that is not implemented" });
    } else {
      if (m === "GET") return this.#guard(call, deny("s3:ListBucket"), () => listObjects(call, bucket));
      if (m === "HEAD") return this.#guard(call, deny("s3:ListBucket"), () => sendEmpty(call, 200, { "x-amz-bucket-region": this.deps.region }));
      if (m === "PUT") return sendError(call, bucketAlreadyOwnedByYou(bucket.name));
      if (m === "DELETE") return this.#guard(call, deny("s3:DeleteBucket"), () => this.#deleteBucket(call, bucket));
      // Authorized inside, once the form names the key (s3.md §7.3).
      if (m === "POST") return postObject(call, bucket, this.#postDeps);
    }
    return sendError(call, methodNotAllowed(m, "BUCKET"));
  }

  #guard(call: S3Call, denied: S3Error | undefined, run: () => void | Promise<void>): void | Promise<void> {
    if (denied) return sendError(call, denied);
    return run();
  }

  /** undefined when allowed; AccessDenied otherwise (s3.md §8). */
  #allowed(call: S3Call, action: string, resource: string): S3Error | undefined {
    const bucketName = resource.slice("arn:aws:s3:::".length).split("/", 1)[0]!;
    const bucket = this.buckets.get(bucketName);
    const context = new Map<string, string>([
      ["aws:securetransport", String(call.isSecure)],
      ["aws:sourceip", call.sourceIp],
      ["aws:principaltype", call.principal.kind === "account" ? "Account" : call.principal.kind === "service" ? "AWSService" : "Anonymous"],
    ]);
    const sourceArn = (call as S3Call & { sourceArn?: string }).sourceArn;
    if (sourceArn) {
      context.set("aws:sourcearn", sourceArn);
      context.set("aws:sourceaccount", sourceArn.split(":")[4] ?? "");
    }
    if (call.principal.kind === "account") context.set("aws:principalaccount", "000000000000");
    const referer = call.req.headers.referer;
    if (referer) context.set("aws:referer", referer);
    const ua = call.req.headers["user-agent"];
    if (ua) context.set("aws:useragent", ua);
    const decision = evaluatePolicy(bucket?.policy, { principal: call.principal, action, resource, context });
    return decision === "allow" ? undefined : accessDenied();
  }

  #listBuckets(call: S3Call): void {
    if (call.principal.kind !== "account") return sendError(call, accessDenied());
    const items = [...this.buckets.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(
        (b) =>
          `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${isoMillis(b.creationDate)}</CreationDate><BucketRegion>${this.deps.region}</BucketRegion></Bucket>`,
      )
      .join("");
    sendXml(call, 200, `<ListAllMyBucketsResult xmlns="${S3_XMLNS}"><Owner><ID>${OWNER_ID}</ID></Owner><Buckets>${items}</Buckets></ListAllMyBucketsResult>`);
  }

  async #createBucket(call: S3Call): Promise<void> {
    const name = call.bucketName!;
    if (call.principal.kind !== "account") return sendError(call, accessDenied());
    if (!BUCKET_NAME.test(name)) return sendError(call, invalidBucketName(name));
    call.req.resume();
    await this.openBucket(name);
    sendEmpty(call, 200, { location: `/${name}` });
  }

  async #deleteBucket(call: S3Call, bucket: BucketState): Promise<void> {
    if (bucket.store.size > 0) return sendError(call, bucketNotEmpty(bucket.name));
    this.buckets.delete(bucket.name);
    await bucket.store.destroy();
    sendEmpty(call, 204);
  }

  /** OPTIONS is never authenticated; S3's exact failure bodies (s3.md §6.2 steps 1–6). */
  #preflight(call: S3Call): void {
    const origin = call.req.headers.origin;
    if (origin === undefined) return sendError(call, corsOriginMissing());
    const acrm = call.req.headers["access-control-request-method"];
    const methodLabel = acrm ?? "OPTIONS";
    const resourceType = call.key === undefined ? "BUCKET" : "OBJECT";
    const bucket = call.bucket;
    if (!bucket) return sendError(call, corsForbidden(CORS_NO_BUCKET, methodLabel, "BUCKET"));
    if (!bucket.cors) return sendError(call, corsForbidden(CORS_NOT_ENABLED, methodLabel, "BUCKET"));
    // Choice: an OPTIONS without Access-Control-Request-Method is evaluated with method OPTIONS, which no rule allows.
    const verdict = evaluateCors(bucket.cors.compiled, origin, acrm ?? "OPTIONS", call.req.headers["access-control-request-headers"]);
    if (!verdict.matched) return sendError(call, corsForbidden(CORS_NOT_ALLOWED, methodLabel, resourceType));
    call.extraHeaders = verdict.headers;
    sendEmpty(call, 200);
  }

  #applyActualCors(call: S3Call): void {
    const origin = call.req.headers.origin;
    const cors = call.bucket?.cors;
    if (origin === undefined || !cors) return;
    const method = call.req.headers["access-control-request-method"] ?? call.method;
    const verdict = evaluateCors(cors.compiled, origin, method, call.req.headers["access-control-request-headers"]);
    if (verdict.matched) call.extraHeaders = verdict.headers;
  }
}

/** The signer becomes the principal: the account, or the service a credential stands for (s3.md §8). */
function signIn(call: S3Call, credential: Credential): void {
  call.isSigned = true;
  const p = credential.principal;
  call.principal = p ? { kind: "service", service: p.service } : { kind: "account", arn: ACCOUNT_ARN };
  if (p) (call as S3Call & { sourceArn?: string }).sourceArn = p.sourceArn;
}

const QUERY_AUTH_PARAMS = new Set([
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-signedheaders",
  "x-amz-signature",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);
/** A presigned URL carries request headers as x-amz-* query parameters (checksums, metadata); S3 applies them as headers. */
function hoistAmzQueryParams(call: S3Call): void {
  for (const name in call.query) {
    const lower = name.toLowerCase();
    if (!lower.startsWith("x-amz-") || QUERY_AUTH_PARAMS.has(lower) || call.req.headers[lower] !== undefined) continue;
    call.req.headers[lower] = call.query[name]![0]!;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `a=1&b&c=%2F` → decoded name → values; `+` in a query is a space (form encoding). */
export function parseQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (raw === "") return out;
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = safeDecode((eq === -1 ? part : part.slice(0, eq)).replaceAll("+", " "));
    const value = eq === -1 ? "" : safeDecode(part.slice(eq + 1).replaceAll("+", " "));
    (out[name] ??= []).push(value);
  }
  return out;
}

function normaliseIp(ip: string | undefined): string {
  if (!ip) return "127.0.0.1";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
