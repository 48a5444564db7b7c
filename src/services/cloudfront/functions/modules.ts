import { createHash as nodeCreateHash, createHmac as nodeCreateHmac } from "node:crypto";
import * as nodeQuerystring from "node:querystring";
import type { FunctionRuntime } from "./function-runtime.js";
import type { KeyValueStore } from "./key-value-store.js";

/**
 * The built-in modules a function may `require` (cloudfront.md §13.1): `crypto` (hashes and
 * HMAC over md5/sha1/sha256), `querystring`, and in 2.0 `buffer` and `cloudfront` (KeyValueStore,
 * origin modification). They live in edgeparity's realm; what they hand back is plain data.
 */

const ALGORITHMS = new Set(["md5", "sha1", "sha256"]);
const DIGEST_ENCODINGS = new Set(["hex", "base64", "base64url"]);

/** What the `cloudfront` module records during one invocation (viewer-request origin changes, §10.7). */
export interface OriginRequestChange {
  selectOriginId?: string;
  update?: Record<string, unknown>;
}

export interface InvocationScope {
  originChange: OriginRequestChange | undefined;
}

/** A context-realm promise maker, so `await` in the sandbox resolves inside its own microtask queue. */
export interface SandboxPromises {
  resolve(v: unknown): unknown;
  reject(e: unknown): unknown;
}

function toBytes(data: unknown, encoding: unknown, runtime: FunctionRuntime): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data);
  const s = String(data);
  if (encoding === "hex" || encoding === "base64" || encoding === "base64url") return Buffer.from(s, encoding);
  // 1.0 byte strings (every char ≤ 0xFF from toBytes/digest) hash as their bytes; other text as UTF-8.
  if (runtime === "cloudfront-js-1.0" && /^[\0-\xff]*$/.test(s) && /[\x80-\xff]/.test(s)) return Buffer.from(s, "latin1");
  return Buffer.from(s, "utf8");
}

function digester(h: { update(b: Buffer): unknown; digest(): Buffer }, runtime: FunctionRuntime) {
  const self = {
    update(data: unknown, encoding?: unknown) {
      h.update(toBytes(data, encoding, runtime));
      return self;
    },
    digest(encoding?: unknown) {
      const out = h.digest();
      if (encoding === undefined) return runtime === "cloudfront-js-1.0" ? out.toString("latin1") : out;
      if (typeof encoding !== "string" || !DIGEST_ENCODINGS.has(encoding)) throw new TypeError(`unknown digest encoding: "${String(encoding)}"`);
      return out.toString(encoding as BufferEncoding);
    },
  };
  return self;
}

function cryptoModule(runtime: FunctionRuntime) {
  const check = (alg: unknown) => {
    if (typeof alg !== "string" || !ALGORITHMS.has(alg)) throw new TypeError(`not supported algorithm: "${String(alg)}"`);
    return alg;
  };
  return Object.freeze({
    createHash: (alg: unknown) => digester(nodeCreateHash(check(alg)), runtime),
    createHmac: (alg: unknown, key: unknown) => digester(nodeCreateHmac(check(alg), toBytes(key, undefined, runtime)), runtime),
  });
}

const QUERYSTRING = Object.freeze({
  parse: nodeQuerystring.parse,
  decode: nodeQuerystring.decode,
  stringify: nodeQuerystring.stringify,
  encode: nodeQuerystring.encode,
  escape: nodeQuerystring.escape,
  unescape: nodeQuerystring.unescape,
});

const BUFFER = Object.freeze({ Buffer });

/**
 * `cf.kvs()` (§13.5): reads of the associated store; missing keys reject. Error texts follow the
 * runtime's as third-party code reports them (`KeyNotFound`, `KVSNamespaceNotFound` [3p]).
 */
function kvsHandle(store: KeyValueStore, p: SandboxPromises) {
  return Object.freeze({
    get(key: unknown, options?: { format?: unknown }) {
      const value = store.data.get(String(key));
      if (value === undefined) return p.reject(new Error("KeyNotFound"));
      const format = options?.format ?? "string";
      try {
        if (format === "string") return p.resolve(value);
        if (format === "json") return p.resolve(JSON.parse(value));
        if (format === "bytes") return p.resolve(Buffer.from(value, "utf8"));
      } catch (e) {
        return p.reject(e);
      }
      return p.reject(new TypeError(`unknown format: "${String(format)}"`));
    },
    exists: (key: unknown) => p.resolve(store.data.has(String(key))),
    meta: () => p.resolve({ creationDateTime: store.createdAt.toISOString(), lastUpdatedDateTime: store.updatedAt.toISOString(), keyCount: store.data.size }),
  });
}

function cloudfrontModule(store: KeyValueStore | undefined, scope: InvocationScope, p: SandboxPromises) {
  const change = () => (scope.originChange ??= {});
  return Object.freeze({
    kvs(id?: unknown) {
      if (store === undefined || (id !== undefined && id !== store.id && id !== store.name)) throw new Error("KVSNamespaceNotFound");
      return kvsHandle(store, p);
    },
    updateRequestOrigin(params: unknown) {
      if (params === null || typeof params !== "object") throw new TypeError("updateRequestOrigin: the argument must be an object");
      const c = change();
      c.update = { ...c.update, ...(params as Record<string, unknown>) };
    },
    selectRequestOriginById(id: unknown) {
      if (typeof id !== "string") throw new TypeError("selectRequestOriginById: the origin id must be a string");
      change().selectOriginId = id;
    },
    createRequestOriginGroup() {
      // Divergence from AWS: origin groups made by a function are not emulated.
      throw new Error("createRequestOriginGroup is not emulated by edgeparity");
    },
  });
}

/** The `require` a function's sandbox gets: only its runtime's modules (§13.1). */
export function makeRequire(runtime: FunctionRuntime, store: KeyValueStore | undefined, scope: InvocationScope, p: SandboxPromises) {
  const crypto = cryptoModule(runtime);
  const cf = runtime === "cloudfront-js-2.0" ? cloudfrontModule(store, scope, p) : undefined;
  return (name: unknown) => {
    if (name === "crypto") return crypto;
    if (name === "querystring") return QUERYSTRING;
    if (runtime === "cloudfront-js-2.0" && name === "buffer") return BUFFER;
    if (cf && name === "cloudfront") return cf;
    throw new Error(`Cannot find module "${String(name)}"`);
  };
}
