import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { NodeHttp2Handler } from "@smithy/node-http-handler";

/**
 * STS and IAM SDK v3 clients against an edgeparity's API endpoint, one pair per HTTP version:
 * `http://localhost:<httpPort>` over HTTP/1.1 and `https://localhost:<httpsPort>` over HTTP/2
 * (ALPN h2), trusting the stack's CA. test/test credentials, us-east-1 (where IAM and the global
 * STS endpoint sign).
 */
export interface IamStsClients {
  http: "1.1" | "2";
  sts: STSClient;
  iam: IAMClient;
}

export function iamStsClients(o: { httpPort: number; httpsPort: number; caPem: string }): { clients: IamStsClients[]; destroy(): void } {
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  const h1 = { region: "us-east-1", endpoint: `http://localhost:${o.httpPort}`, credentials, maxAttempts: 1 };
  const h2 = () => ({
    region: "us-east-1",
    endpoint: `https://localhost:${o.httpsPort}`,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({ nodeHttp2ConnectOptions: { ca: o.caPem } }),
  });
  const clients: IamStsClients[] = [
    { http: "1.1", sts: new STSClient(h1), iam: new IAMClient(h1) },
    { http: "2", sts: new STSClient(h2()), iam: new IAMClient(h2()) },
  ];
  return {
    clients,
    destroy() {
      for (const c of clients) {
        c.sts.destroy();
        c.iam.destroy();
      }
    },
  };
}
