import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { NodeHttp2Handler } from "@smithy/node-http-handler";

/** One CloudFront SDK v3 client per HTTP version against an edgeparity's API endpoint (test/test credentials). */
export interface CloudFrontClients {
  /** `http://localhost:<httpPort>` over HTTP/1.1. */
  h1: CloudFrontClient;
  /** `https://localhost:<httpsPort>` over HTTP/2 (ALPN h2), trusting the stack's CA. */
  h2: CloudFrontClient;
  destroy(): void;
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

export function cloudFrontClients(
  o: { httpPort: number; httpsPort: number; caPem: string },
  secretAccessKey = "test",
  accessKeyId = "test",
): CloudFrontClients {
  const creds = { ...credentials, accessKeyId, secretAccessKey };
  const h1 = new CloudFrontClient({ region: "us-east-1", endpoint: `http://localhost:${o.httpPort}`, credentials: creds, maxAttempts: 1 });
  const h2 = new CloudFrontClient({
    region: "us-east-1",
    endpoint: `https://localhost:${o.httpsPort}`,
    credentials: creds,
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({ nodeHttp2ConnectOptions: { ca: o.caPem } }),
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
