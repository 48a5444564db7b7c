import type { IncomingMessage, ServerResponse } from "node:http";
import { safeDecode } from "../../../core/uri.js";
import type { BucketState } from "../bucket-state.js";
import { escapeXml } from "../errors.js";
import { evaluatePolicy } from "../policy/evaluate-policy.js";
import { streamFileBody } from "../rest/stream-body.js";

/**
 * The website endpoint `<bucket>.s3-website.localhost` (s3.md §9): anonymous GET/HEAD only, index
 * documents, `/dir` → 302 `/dir/`, the error document for 4xx with the original status, HTML errors.
 */
interface WebsiteDeps {
  requestId(): string;
  /** Logs a fault found after the response started (a file read error). */
  reportFault(e: Error): void;
}

/** `500 InternalError` as the website endpoint writes errors (HTML), for a request whose handling threw. */
export function answerWebsiteFailure(bucketName: string, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!req.readableEnded) req.resume();
    new WebsiteRequest(undefined, bucketName, req, res, requestId, { requestId: () => requestId, reportFault: () => {} }).internalError();
  } catch {
    res.destroy();
  }
}

export function serveWebsite(bucket: BucketState | undefined, bucketName: string, req: IncomingMessage, res: ServerResponse, deps: WebsiteDeps): Promise<void> {
  return new WebsiteRequest(bucket, bucketName, req, res, deps.requestId(), deps).run();
}

class WebsiteRequest {
  constructor(
    readonly bucket: BucketState | undefined,
    readonly bucketName: string,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly deps: WebsiteDeps,
  ) {}

  async run(): Promise<void> {
    const m = this.req.method ?? "GET";
    if (m !== "GET" && m !== "HEAD")
      return this.#html(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", { Method: m, ResourceType: "OBJECT" });
    const b = this.bucket;
    if (!b) return this.#html(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: this.bucketName });
    if (!b.website)
      return this.#html(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", { BucketName: this.bucketName });
    const plan = b.website.plan;
    const path = (this.req.url ?? "/").split("?")[0]!;
    if (plan.redirectAll) {
      const proto = plan.redirectAll.protocol ?? "http";
      return this.#redirect(301, `${proto}://${plan.redirectAll.hostName}${path}`);
    }
    let key = safeDecode(path.slice(1));
    for (const rule of plan.rules) {
      const c = rule.Condition;
      if (c?.KeyPrefixEquals !== undefined && !key.startsWith(c.KeyPrefixEquals)) continue;
      if (c?.HttpErrorCodeReturnedEquals !== undefined) continue; // evaluated on errors below
      return this.#ruleRedirect(rule.Redirect, key, c?.KeyPrefixEquals);
    }
    if (key === "" || key.endsWith("/")) key += plan.indexSuffix ?? "";
    if (!this.#readable(b, key)) return this.#error(b, 403, "AccessDenied", "Access Denied", {});
    const obj = await b.store.open(key);
    if (!obj) {
      if (plan.indexSuffix && !key.endsWith("/") && b.store.head(`${key}/${plan.indexSuffix}`)) return this.#redirect(302, `/${encodeURI(key)}/`);
      // Without s3:ListBucket a missing key is 403, as on the REST endpoint (s3.md §4.3).
      if (!this.#readable(b, "", "s3:ListBucket")) return this.#error(b, 403, "AccessDenied", "Access Denied", {});
      return this.#error(b, 404, "NoSuchKey", "The specified key does not exist.", { Key: key });
    }
    const redirect = obj.meta.headers["x-amz-website-redirect-location"];
    if (redirect) {
      await obj.handle.close();
      return this.#redirect(301, redirect);
    }
    return this.#sendObject(obj, 200);
  }

  #readable(b: BucketState, key: string, action = "s3:GetObject"): boolean {
    return (
      evaluatePolicy(b.policy, {
        principal: { kind: "anonymous" },
        action,
        resource: action === "s3:ListBucket" ? `arn:aws:s3:::${b.name}` : `arn:aws:s3:::${b.name}/${key}`,
        context: new Map([["aws:securetransport", "false"]]),
      }) === "allow"
    );
  }

  #sendObject(obj: NonNullable<Awaited<ReturnType<BucketState["store"]["open"]>>>, status: number): void {
    const { meta, handle } = obj;
    this.res.writeHead(status, {
      "content-type": meta.contentType,
      "content-length": meta.size,
      etag: meta.etag,
      "last-modified": new Date(meta.lastModified).toUTCString(),
      server: "AmazonS3",
      "x-amz-request-id": this.requestId,
      ...meta.headers,
    });
    if (this.req.method === "HEAD" || meta.size === 0) {
      void handle.close();
      this.res.end();
      return;
    }
    streamFileBody(handle.createReadStream({ start: 0, end: meta.size - 1, autoClose: true }), this.res, (e) => this.deps.reportFault(e));
  }

  async #error(b: BucketState, status: number, code: string, message: string, extra: Record<string, string>): Promise<void> {
    const plan = b.website!.plan;
    for (const rule of plan.rules) {
      const c = rule.Condition;
      if (c?.HttpErrorCodeReturnedEquals !== String(status)) continue;
      const key = safeDecode((this.req.url ?? "/").split("?")[0]!.slice(1));
      if (c.KeyPrefixEquals !== undefined && !key.startsWith(c.KeyPrefixEquals)) continue;
      return this.#ruleRedirect(rule.Redirect, key, c.KeyPrefixEquals);
    }
    // The error document is returned for 4xx with the original status (s3.md §9).
    if (plan.errorKey && status >= 400 && status < 500 && this.#readable(b, plan.errorKey)) {
      const doc = await b.store.open(plan.errorKey);
      if (doc) return this.#sendObject(doc, status);
      return this.#html(status, code, message, extra, true);
    }
    return this.#html(status, code, message, extra);
  }

  #ruleRedirect(r: NonNullable<BucketState["website"]>["plan"]["rules"][number]["Redirect"], key: string, prefix: string | undefined): void {
    let newKey = key;
    if (r.ReplaceKeyWith !== undefined) newKey = r.ReplaceKeyWith;
    else if (r.ReplaceKeyPrefixWith !== undefined) newKey = r.ReplaceKeyPrefixWith + key.slice((prefix ?? "").length);
    const host = r.HostName ?? String(this.req.headers.host ?? "");
    const proto = r.Protocol ?? "http";
    this.#redirect(Number(r.HttpRedirectCode ?? 301), `${proto}://${host}/${newKey}`);
  }

  internalError(): void {
    this.#html(500, "InternalError", "We encountered an internal error. Please try again.", {});
  }

  #redirect(status: number, location: string): void {
    this.res.writeHead(status, { location, server: "AmazonS3", "x-amz-request-id": this.requestId, "content-length": 0 });
    this.res.end();
  }

  #html(status: number, code: string, message: string, extra: Record<string, string>, errorDocMissing = false): void {
    const title = `${status} ${STATUS_TEXT[status] ?? "Error"}`;
    const items = [`<li>Code: ${code}</li>`, `<li>Message: ${escapeXml(message)}</li>`];
    for (const k in extra) items.push(`<li>${k}: ${escapeXml(extra[k]!)}</li>`);
    items.push(`<li>RequestId: ${this.requestId}</li>`, `<li>HostId: ${Buffer.from(this.requestId).toString("base64")}</li>`);
    const nested = errorDocMissing
      ? `<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n<li>Code: AccessDenied</li>\n<li>Message: Access Denied</li>\n</ul>\n`
      : "";
    const body = `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items.join("\n")}\n</ul>\n${nested}<hr/>\n</body>\n</html>\n`;
    this.res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      server: "AmazonS3",
      "x-amz-request-id": this.requestId,
    });
    this.res.end(this.req.method === "HEAD" ? undefined : body);
  }
}

const STATUS_TEXT: Record<number, string> = { 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error" };
