import "@aws-sdk/signature-v4a";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { NodeHttp2Handler, NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:http";
import type { LookupAddress, LookupOneOptions } from "node:dns";

/**
 * CloudFront KeyValueStore SDK v3 clients against an edgeparity's API endpoint. The SDK's endpoint
 * rule sends `endpoint: http://localhost:<port>` to `http://<account id>.localhost:<port>`, a name
 * the machine's resolver may not know: the clients resolve `localhost` and `*.localhost` to
 * 127.0.0.1 themselves (and refuse every other name — tests reach loopback only).
 * `import "@aws-sdk/signature-v4a"` gives the SDK its SigV4A signer.
 */
export interface KvsClients {
  /** `http://localhost:<httpPort>` over HTTP/1.1. */
  h1: CloudFrontKeyValueStoreClient;
  /** `https://localhost:<httpsPort>` over HTTP/2 (ALPN h2), trusting the stack's CA. */
  h2: CloudFrontKeyValueStoreClient;
  destroy(): void;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export function loopbackLookup(hostname: string, options: LookupOneOptions | ((...a: unknown[]) => void), cb?: LookupCallback): void {
  const callback = (typeof options === "function" ? options : cb) as LookupCallback;
  const all = typeof options === "object" && (options as { all?: boolean }).all;
  if (hostname !== "localhost" && !hostname.endsWith(".localhost")) {
    const e = Object.assign(new Error(`test clients reach loopback names only, not ${hostname}`), { code: "ENOTFOUND" });
    return void process.nextTick(() => callback(e, ""));
  }
  process.nextTick(() => (all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4)));
}

export function kvsClients(o: { httpPort: number; httpsPort: number; caPem: string }, secretAccessKey = "test"): KvsClients {
  const credentials = { accessKeyId: "test", secretAccessKey };
  const h1 = new CloudFrontKeyValueStoreClient({
    region: "us-east-1",
    endpoint: `http://localhost:${o.httpPort}`,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: loopbackLookup as never }) }),
  });
  const h2 = new CloudFrontKeyValueStoreClient({
    region: "us-east-1",
    endpoint: `https://localhost:${o.httpsPort}`,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({ nodeHttp2ConnectOptions: { ca: o.caPem, lookup: loopbackLookup as never } }),
  });
  return {
    h1,
    h2,
    destroy() {
      h1.destroy();
      h2.destroy();
    },
  };
}
