import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import { safeDecode } from "../../core/uri.js";
import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import type { ConnectionInfo, OriginCaller } from "../../core/service.js";
import { isTraced, publishTrace, traceIdOf } from "../../core/trace.js";
import { traceRequest } from "../../core/trace-request.js";
import { isClientAbort } from "../../core/http/client-abort.js";
import { SigV4Verifier, type Credential } from "./auth/sigv4.js";
import { encodeHeaderText } from "./header-text.js";
import { BucketState } from "./bucket-state.js";
import { CORS_NO_BUCKET, CORS_NOT_ALLOWED, CORS_NOT_ENABLED, evaluateCors, explainCors, type CompiledCorsRule } from "./cors/evaluate-cors.js";
import {
  accessDenied,
  bucketAlreadyOwnedByYou,
  bucketNotEmpty,
  corsForbidden,
  corsOriginMissing,
  invalidArgument,
  invalidBucketName,
  methodNotAllowed,
  noSuchBucket,
  operationNotImplemented,
  type S3Error,
} from "./errors.js";
import { evaluatePolicy, explainPolicy, lazyContext, type Principal } from "./policy/evaluate-policy.js";
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
import { getBucketAcl, getObjectAcl, putAcl } from "./rest/acl-ops.js";
import { getBucketEncryption, getBucketLocation, getBucketVersioning } from "./rest/bucket-facts.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from "./rest/multipart-ops.js";
import { getObjectAttributes } from "./rest/object-attributes.js";
import { isS3ApiOperation, subResourceOf, type S3SubResource } from "./rest/sub-resources.js";
import type { CORSRule } from "./schema/bucket.js";
import { deleteBucketTagging, deleteObjectTagging, getBucketTagging, getObjectTagging, putBucketTagging, putObjectTagging } from "./rest/tagging-ops.js";
import { copyObject, deleteObject, getObject, putObject, type ObjectOpsDeps } from "./rest/object-ops.js";
import { postObject, type PostObjectDeps } from "./rest/post-object.js";
import { escapeXml } from "./errors.js";
import { answerInternalError, isoMillis, q, sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./rest/s3-call.js";

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
  /**
   * Told after CreateBucket, DeleteBucket and a Put/Delete of a bucket's CORS, policy or website
   * succeeded (undefined: the bucket is gone), so API changes become stack state (issue 11).
   */
  onBucketChanged?: (name: string, current: () => BucketConfig | undefined) => Promise<void>;
}

/** A bucket's configuration in the stack file's shape (`buckets.<name>`, schema/bucket.ts). */
export interface BucketConfig {
  CORSConfiguration?: { CORSRules: CORSRule[] };
  Policy?: string;
  WebsiteConfiguration?: Record<string, unknown>;
}

export function bucketConfigOf(b: BucketState): BucketConfig {
  return {
    ...(b.cors ? { CORSConfiguration: { CORSRules: b.cors.rules } } : {}),
    ...(b.policy ? { Policy: b.policy.text } : {}),
    ...(b.website ? { WebsiteConfiguration: b.website.config as unknown as Record<string, unknown> } : {}),
  };
}

const BUCKET_NAME =
  /^(?!xn--)(?!sthree-)(?!amzn-s3-demo-)(?!.*(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`;

type Scope = "OBJECT" | "BUCKET";
interface Operation {
  /** The IAM action the bucket policy is asked about; undefined when the operation authorizes inside. */
  action: string | undefined;
  run(call: S3Call, bucket: BucketState, key: string): void | Promise<void>;
}

const ARN_PREFIX = "arn:aws:s3:::";

export class S3Service {
  readonly buckets = new Map<string, BucketState>();
  #verifier: SigV4Verifier;
  readonly #objectDeps: ObjectOpsDeps;
  readonly #postDeps: PostObjectDeps;
  readonly #operations: Map<string, Operation>;

  constructor(readonly deps: S3ServiceDeps) {
    this.#verifier = new SigV4Verifier(deps.credentials);
    this.#objectDeps = {
      now: () => deps.clock.now(),
      canList: (call) => this.#allowed(call, "s3:ListBucket", `arn:aws:s3:::${call.bucketName}`) === undefined,
      bucket: (name) => this.buckets.get(name),
      reportFault: (call, e) =>
        deps.log.error(`s3: ${call.method} ${call.req.url} (request ${call.requestId}) failed while streaming the body: ${e.stack ?? String(e)}`),
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
    this.#operations = this.#buildOperations();
  }

  /**
   * How the bucket will answer CloudFront: its object count and the policy's verdict on
   * s3:GetObject of the sample key (the README tour's private bucket says why it answers 403).
   */
  describeBucketFor(name: string, caller: OriginCaller): string {
    const b = this.buckets.get(name);
    if (!b) return `bucket ${name}: does not exist (NoSuchBucket)`;
    const count = b.store.size;
    const principal: Principal = caller.signed ? { kind: "service", service: caller.service } : { kind: "anonymous" };
    const context = new Map([["aws:sourcearn", caller.sourceArn]]);
    const x = explainPolicy(b.policy, { principal, action: "s3:GetObject", resource: `arn:aws:s3:::${name}/${caller.sampleKey}`, context });
    const objects = count === 0 ? "empty" : `${count} object${count === 1 ? "" : "s"}`;
    return `bucket ${name}: ${objects}; ${caller.signed ? "OAC-signed" : "unsigned (no OAC)"} s3:GetObject ${x.reason}${x.decision === "allow" ? "" : " → 403 AccessDenied"}`;
  }

  /** Opens every bucket found on disk under storeRoot (buckets made through the API earlier). */
  /** A new revision's keys (the account's and every signing principal's); requests already verified keep their verdict. */
  setCredentials(credentials: readonly Credential[]): void {
    this.#verifier = new SigV4Verifier(credentials);
  }

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
  /**
   * The one catch point of the S3 data plane: whatever throws while one request is handled
   * (synchronously or later) is logged once with its stack and becomes that request's
   * `500 InternalError`, or ends only its stream when headers already left; never the process.
   */
  handle(req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo, virtualBucket: string | undefined): void {
    const requestId = this.deps.ids.hex32().slice(0, 16).toUpperCase();
    let call: S3Call | undefined;
    try {
      call = this.#address(req, res, conn, virtualBucket, requestId);
      traceRequest(req, res, conn, "s3", call.traceId);
      const pending = this.#dispatch(call);
      const c = call;
      pending.catch((e: unknown) => this.#fail(req, res, c, requestId, e));
    } catch (e) {
      this.#fail(req, res, call, requestId, e);
    }
  }

  #fail(req: IncomingMessage, res: ServerResponse, call: S3Call | undefined, requestId: string, e: unknown): void {
    if (isClientAbort(req, e)) {
      this.deps.log.info(
        `s3: ${req.method} ${req.url} (request ${requestId}): client abort: the connection closed before the request was complete; nothing was stored`,
      );
      res.destroy();
      return;
    }
    this.deps.log.error(`s3: ${req.method} ${req.url} (request ${requestId}) failed inside edgeparity: ${(e as Error)?.stack ?? String(e)}`);
    answerInternalError(req, res, call, requestId);
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
      traceId: traceIdOf(req.headers, conn.origin !== undefined, requestId),
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
    // An unsigned request is anonymous without a promise to wait for (one microtask hop less, issue 14).
    const auth = SigV4Verifier.isUnsigned({ headers: call.req.headers, query: call.query })
      ? ({ kind: "anonymous" } as const)
      : await this.#verifier.authenticate({
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
    return this.#operate(call, bucket);
  }

  /**
   * One table of (scope, method, sub-resource) → operation, built once (s3.md §4.1). A request is
   * dispatched only on an exact row: a sub-resource the table lacks is never served as the plain
   * object or bucket operation (which once replaced an object with a Tagging document).
   */
  #buildOperations(): Map<string, Operation> {
    const ops = new Map<string, Operation>();
    const add = (scope: Scope, method: string, sub: S3SubResource | "", action: string | undefined, run: Operation["run"]) =>
      ops.set(`${scope} ${method} ${sub}`, { action, run });
    const objectDeps = this.#objectDeps;
    const sourceCheck = (call: S3Call) => (b: string, k: string) => this.#allowed(call, "s3:GetObject", `arn:aws:s3:::${b}/${k}`);
    const now = () => this.deps.clock.now();

    add("OBJECT", "GET", "", "s3:GetObject", (call, bucket, key) => getObject(call, bucket, key, objectDeps));
    add("OBJECT", "HEAD", "", "s3:GetObject", (call, bucket, key) => getObject(call, bucket, key, objectDeps));
    add("OBJECT", "PUT", "", "s3:PutObject", (call, bucket, key) =>
      call.req.headers["x-amz-copy-source"] !== undefined
        ? copyObject(call, bucket, key, objectDeps, sourceCheck(call))
        : putObject(call, bucket, key, objectDeps),
    );
    add("OBJECT", "DELETE", "", "s3:DeleteObject", (call, bucket, key) => deleteObject(call, bucket, key));
    add("OBJECT", "POST", "uploads", "s3:PutObject", (call, bucket, key) => createMultipartUpload(call, bucket, key, now()));
    add("OBJECT", "PUT", "uploadId", "s3:PutObject", (call, bucket, key) =>
      call.req.headers["x-amz-copy-source"] !== undefined
        ? uploadPartCopy(call, bucket, key, now(), objectDeps, sourceCheck(call))
        : uploadPart(call, bucket, key, now()),
    );
    add("OBJECT", "GET", "uploadId", "s3:ListMultipartUploadParts", (call, bucket, key) => listParts(call, bucket, key));
    add("OBJECT", "POST", "uploadId", "s3:PutObject", (call, bucket, key) => completeMultipartUpload(call, bucket, key, now()));
    add("OBJECT", "DELETE", "uploadId", "s3:AbortMultipartUpload", (call, bucket, key) => abortMultipartUpload(call, bucket, key));
    add("OBJECT", "GET", "tagging", "s3:GetObjectTagging", (call, bucket, key) => getObjectTagging(call, bucket, key));
    add("OBJECT", "PUT", "tagging", "s3:PutObjectTagging", (call, bucket, key) => putObjectTagging(call, bucket, key));
    add("OBJECT", "DELETE", "tagging", "s3:DeleteObjectTagging", (call, bucket, key) => deleteObjectTagging(call, bucket, key));
    add("OBJECT", "GET", "acl", "s3:GetObjectAcl", (call, bucket, key) => getObjectAcl(call, bucket, key));
    add("OBJECT", "PUT", "acl", "s3:PutObjectAcl", (call, bucket, key) => putAcl(call, bucket, key));
    add("OBJECT", "GET", "attributes", "s3:GetObjectAttributes", (call, bucket, key) => getObjectAttributes(call, bucket, key, objectDeps.canList(call)));

    add("BUCKET", "GET", "", "s3:ListBucket", (call, bucket) => listObjects(call, bucket));
    add("BUCKET", "HEAD", "", "s3:ListBucket", (call) => sendEmpty(call, 200, { "x-amz-bucket-region": this.deps.region }));
    add("BUCKET", "PUT", "", undefined, (call, bucket) => sendError(call, bucketAlreadyOwnedByYou(bucket.name)));
    add("BUCKET", "DELETE", "", "s3:DeleteBucket", (call, bucket) => this.#deleteBucket(call, bucket));
    // Authorized inside, once the form names the key (s3.md §7.3).
    add("BUCKET", "POST", "", undefined, (call, bucket) => postObject(call, bucket, this.#postDeps));
    // Authorized per key inside (s3.md §4.1).
    add("BUCKET", "POST", "delete", undefined, (call, bucket) =>
      deleteObjects(call, bucket, (key) => this.#allowed(call, "s3:DeleteObject", `arn:aws:s3:::${bucket.name}/${key}`)),
    );
    add("BUCKET", "GET", "cors", "s3:GetBucketCORS", (call, bucket) => getBucketCors(call, bucket));
    add("BUCKET", "PUT", "cors", "s3:PutBucketCORS", (call, bucket) => this.#changing(bucket, () => putBucketCors(call, bucket)));
    add("BUCKET", "DELETE", "cors", "s3:PutBucketCORS", (call, bucket) => this.#changing(bucket, () => deleteBucketCors(call, bucket)));
    add("BUCKET", "GET", "policy", "s3:GetBucketPolicy", (call, bucket) => getBucketPolicy(call, bucket));
    add("BUCKET", "PUT", "policy", "s3:PutBucketPolicy", (call, bucket) => this.#changing(bucket, () => putBucketPolicy(call, bucket)));
    add("BUCKET", "DELETE", "policy", "s3:DeleteBucketPolicy", (call, bucket) => this.#changing(bucket, () => deleteBucketPolicy(call, bucket)));
    add("BUCKET", "GET", "website", "s3:GetBucketWebsite", (call, bucket) => getBucketWebsite(call, bucket));
    add("BUCKET", "PUT", "website", "s3:PutBucketWebsite", (call, bucket) => this.#changing(bucket, () => putBucketWebsite(call, bucket)));
    add("BUCKET", "DELETE", "website", "s3:DeleteBucketWebsite", (call, bucket) => this.#changing(bucket, () => deleteBucketWebsite(call, bucket)));
    add("BUCKET", "GET", "uploads", "s3:ListBucketMultipartUploads", (call, bucket) => listMultipartUploads(call, bucket));
    add("BUCKET", "GET", "location", "s3:GetBucketLocation", (call) => getBucketLocation(call, this.deps.region));
    add("BUCKET", "GET", "tagging", "s3:GetBucketTagging", (call, bucket) => getBucketTagging(call, bucket));
    add("BUCKET", "PUT", "tagging", "s3:PutBucketTagging", (call, bucket) => putBucketTagging(call, bucket));
    add("BUCKET", "DELETE", "tagging", "s3:PutBucketTagging", (call, bucket) => deleteBucketTagging(call, bucket));
    add("BUCKET", "GET", "acl", "s3:GetBucketAcl", (call) => getBucketAcl(call));
    add("BUCKET", "PUT", "acl", "s3:PutBucketAcl", (call, bucket) => putAcl(call, bucket, undefined));
    add("BUCKET", "GET", "versioning", "s3:GetBucketVersioning", (call) => getBucketVersioning(call));
    add("BUCKET", "GET", "encryption", "s3:GetEncryptionConfiguration", (call) => getBucketEncryption(call));
    return ops;
  }

  #operate(call: S3Call, bucket: BucketState): void | Promise<void> {
    const scope: Scope = call.key === undefined ? "BUCKET" : "OBJECT";
    const sub = subResourceOf(call.query) ?? "";
    const op = this.#operations.get(`${scope} ${call.method} ${sub}`);
    if (!op) {
      // An S3 operation we do not implement is 501 and touches nothing; a pair S3 has no operation for is 405 (s3.md §4.1).
      if (sub !== "" && isS3ApiOperation(scope, call.method, sub)) return sendError(call, operationNotImplemented());
      return sendError(call, methodNotAllowed(call.method, scope));
    }
    const key = call.key ?? "";
    const resource = scope === "BUCKET" ? `arn:aws:s3:::${bucket.name}` : `arn:aws:s3:::${bucket.name}/${key}`;
    return this.#guard(call, op.action === undefined ? undefined : this.#allowed(call, op.action, resource), () => op.run(call, bucket, key));
  }

  #guard(call: S3Call, denied: S3Error | undefined, run: () => void | Promise<void>): void | Promise<void> {
    if (denied) return sendError(call, denied);
    return run();
  }

  /** undefined when allowed; AccessDenied otherwise (s3.md §8). */
  #allowed(call: S3Call, action: string, resource: string): S3Error | undefined {
    const slash = resource.indexOf("/", ARN_PREFIX.length);
    const bucketName = resource.slice(ARN_PREFIX.length, slash === -1 ? undefined : slash);
    const bucket = this.buckets.get(bucketName);
    const context = lazyContext(() => {
      const m = new Map<string, string>([
        ["aws:securetransport", String(call.isSecure)],
        ["aws:sourceip", call.sourceIp],
        ["aws:principaltype", call.principal.kind === "account" ? "Account" : call.principal.kind === "service" ? "AWSService" : "Anonymous"],
      ]);
      const sourceArn = (call as S3Call & { sourceArn?: string }).sourceArn;
      if (sourceArn) {
        m.set("aws:sourcearn", sourceArn);
        m.set("aws:sourceaccount", sourceArn.split(":")[4] ?? "");
      }
      if (call.principal.kind === "account") m.set("aws:principalaccount", LOCAL_ACCOUNT_ID);
      const referer = call.req.headers.referer;
      if (referer) m.set("aws:referer", referer);
      const ua = call.req.headers["user-agent"];
      if (ua) m.set("aws:useragent", ua);
      return m;
    });
    const r = { principal: call.principal, action, resource, context };
    if (isTraced("s3Authorization")) {
      const x = explainPolicy(bucket?.policy, r);
      publishTrace("s3Authorization", call.traceId, "s3", `bucket ${bucketName}: ${action} ${x.reason}`, {
        details: x.details,
        data: { decision: x.decision },
      });
    }
    const decision = evaluatePolicy(bucket?.policy, r);
    return decision === "allow" ? undefined : accessDenied();
  }

  /** ListBuckets with `max-buckets` (1–10000), `continuation-token` and `prefix` paging (s3.md §4.7). */
  #listBuckets(call: S3Call): void {
    if (call.principal.kind !== "account") return sendError(call, accessDenied());
    const maxRaw = q(call, "max-buckets");
    const max = maxRaw === undefined ? Infinity : Number(maxRaw);
    // Choice: AWS's text for a bad max-buckets is unrecorded; worded like ListObjects' max-keys error.
    if (maxRaw !== undefined && (!/^\d+$/.test(maxRaw) || max < 1 || max > 10000))
      return sendError(call, invalidArgument("Provided max-buckets not an integer or within integer range", "max-buckets", maxRaw));
    const prefix = q(call, "prefix") ?? "";
    const token = q(call, "continuation-token");
    const after = token === undefined ? undefined : Buffer.from(token, "base64").toString("utf8");
    const all = [...this.buckets.values()]
      .filter((b) => b.name.startsWith(prefix) && (after === undefined || b.name > after))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = all.slice(0, max);
    const items = page
      .map(
        (b) =>
          `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${isoMillis(b.creationDate)}</CreationDate><BucketRegion>${this.deps.region}</BucketRegion></Bucket>`,
      )
      .join("");
    // In ListBuckets the response's ContinuationToken is the token for the next page (API ListBuckets).
    const next = all.length > page.length ? `<ContinuationToken>${Buffer.from(page.at(-1)!.name).toString("base64")}</ContinuationToken>` : "";
    const echoedPrefix = q(call, "prefix") !== undefined ? `<Prefix>${escapeXml(prefix)}</Prefix>` : "";
    sendXml(
      call,
      200,
      `<ListAllMyBucketsResult xmlns="${S3_XMLNS}"><Owner><ID>${OWNER_ID}</ID></Owner><Buckets>${items}</Buckets>${next}${echoedPrefix}</ListAllMyBucketsResult>`,
    );
  }

  async #createBucket(call: S3Call): Promise<void> {
    const name = call.bucketName!;
    if (call.principal.kind !== "account") return sendError(call, accessDenied());
    if (!BUCKET_NAME.test(name)) return sendError(call, invalidBucketName(name));
    call.req.resume();
    await this.openBucket(name);
    // Recorded before the answer, so the next request already sees the revision that declares it.
    await this.#report(name);
    sendEmpty(call, 200, { location: `/${name}` });
  }

  async #deleteBucket(call: S3Call, bucket: BucketState): Promise<void> {
    if (bucket.store.size > 0) return sendError(call, bucketNotEmpty(bucket.name));
    this.buckets.delete(bucket.name);
    await bucket.store.destroy();
    await this.#report(bucket.name);
    sendEmpty(call, 204);
  }

  /** Runs a configuration operation, then reports the bucket's configuration when the operation succeeded. */
  async #changing(bucket: BucketState, op: () => Promise<void>): Promise<void> {
    const before = JSON.stringify(bucketConfigOf(bucket));
    await op();
    const after = bucketConfigOf(bucket);
    if (JSON.stringify(after) !== before && this.buckets.get(bucket.name) === bucket) await this.#report(bucket.name);
  }

  /** Tells the stack state a bucket's configuration (or that it is gone), read when it is recorded. */
  async #report(name: string): Promise<void> {
    const current = () => {
      const b = this.buckets.get(name);
      return b ? bucketConfigOf(b) : undefined;
    };
    // A refused record (a stack check) is logged; the bucket keeps its live state.
    await this.deps
      .onBucketChanged?.(name, current)
      .catch((e: unknown) => this.deps.log.warn(`bucket ${name}: not recorded in the stack state: ${(e as Error).message}`));
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
    if (!bucket.cors) {
      if (isTraced("s3Cors"))
        publishTrace("s3Cors", call.traceId, "s3", `bucket ${bucket.name}: preflight from ${origin} refused: the bucket has no CORS configuration`);
      return sendError(call, corsForbidden(CORS_NOT_ENABLED, methodLabel, "BUCKET"));
    }
    // Choice: an OPTIONS without Access-Control-Request-Method is evaluated with method OPTIONS, which no rule allows.
    const verdict = evaluateCors(bucket.cors.compiled, origin, acrm ?? "OPTIONS", call.req.headers["access-control-request-headers"]);
    if (isTraced("s3Cors")) traceCors(call, bucket.name, "preflight", origin, acrm ?? "OPTIONS", verdict.matched, bucket.cors.compiled);
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
    if (isTraced("s3Cors")) traceCors(call, call.bucket!.name, "request", origin, method, verdict.matched, cors.compiled);
    if (verdict.matched) call.extraHeaders = verdict.headers;
  }
}

/** The CORS verdict and each rule's reason (s3.md §6.2; issue 15). */
function traceCors(call: S3Call, bucket: string, what: string, origin: string, method: string, matched: boolean, rules: readonly CompiledCorsRule[]): void {
  const reasons = explainCors(rules, origin, method, call.req.headers["access-control-request-headers"]);
  const verdict = matched
    ? `${reasons.find((r) => r.endsWith(": matches"))!.replace(/: matches$/, "")} matched: Access-Control-Allow-* headers added`
    : what === "preflight"
      ? "no CORSRule matched → 403 AccessForbidden"
      : "no CORSRule matched: no Access-Control-Allow-* headers";
  publishTrace("s3Cors", call.traceId, "s3", `bucket ${bucket}: ${what} from ${origin} for ${method}: ${verdict}`, {
    details: matched ? [] : reasons,
    data: { matched },
  });
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
    // Stored as the bytes a header would carry, so header and query metadata decode alike (header-text.ts).
    call.req.headers[lower] = encodeHeaderText(call.query[name]![0]!);
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
