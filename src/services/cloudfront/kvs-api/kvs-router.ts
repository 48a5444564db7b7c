import type { ApiAnswer, ApiCall, ApiProtocol } from "../../../core/service.js";
import { KvsApiError, kvsErrorAnswer } from "./kvs-errors.js";
import { deleteKey, describeKeyValueStore, getKey, listKeys, putKey, updateKeys, type KvsOperationContext } from "./kvs-operations.js";
import type { KvsApiContext } from "./kvs-store.js";

/**
 * The CloudFront KeyValueStore API (`cloudfront-keyvaluestore`, signed SigV4A by the SDK) as
 * CloudFront's second `controlPlane.answer`: `/key-value-stores/{KvsARN}[/keys[/{Key}]]` (each
 * segment percent-decoded once: the ARN's `/` arrives as %2F) → the operation, and its
 * `KvsApiError` written as restJson1 — the one catch point. Anything else answers `undefined`
 * (aws-api/ writes NotImplemented naming it).
 */
export const KVS_API_PROTOCOL: ApiProtocol = { kind: "json", title: "CloudFront KeyValueStore" };
export const KVS_SIGNING_NAME = "cloudfront-keyvaluestore";

export function keyValueStoreApi(base: KvsApiContext): (call: ApiCall) => Promise<ApiAnswer | undefined> {
  let queue: Promise<unknown> = Promise.resolve();
  const ctx: KvsOperationContext = {
    ...base,
    serialize<T>(job: () => Promise<T>): Promise<T> {
      const run = queue.then(job);
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return async (call) => {
    const parts = call.path.split("/");
    if (parts[0] !== "" || parts[1] !== "key-value-stores" || parts.length < 3 || parts.length > 5) return undefined;
    let arn: string;
    let key: string | undefined;
    try {
      arn = decodeURIComponent(parts[2]!);
      key = parts[4] === undefined ? undefined : decodeURIComponent(parts[4]);
    } catch {
      return kvsErrorAnswer(new KvsApiError(400, "ValidationException", "The request path is not valid percent-encoding."));
    }
    const hasKeys = parts[3] === "keys";
    if (parts.length >= 4 && !hasKeys) return undefined;
    try {
      if (parts.length === 3) return call.method === "GET" ? describeKeyValueStore(ctx, arn) : undefined;
      if (key === undefined) {
        if (call.method === "GET") return listKeys(ctx, arn, call);
        if (call.method === "POST") return await updateKeys(ctx, arn, call);
        return undefined;
      }
      if (call.method === "GET") return getKey(ctx, arn, key);
      if (call.method === "PUT") return await putKey(ctx, arn, key, call);
      if (call.method === "DELETE") return await deleteKey(ctx, arn, key, call);
      return undefined;
    } catch (e) {
      if (e instanceof KvsApiError) return kvsErrorAnswer(e);
      throw e;
    }
  };
}
