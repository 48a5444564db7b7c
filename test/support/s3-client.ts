import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { startEdgeparity, type EdgeparityStack } from "../../src/index.js";

/** The AWS SDK v3 S3 client against a stack's control-plane endpoint (path style on localhost, no DNS), test/test credentials. */
export function localS3Client(stack: EdgeparityStack, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint: `http://localhost:${stack.httpPort}`,
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...extra,
  });
}

/** A stack holding these (empty) buckets and an SDK client for it: a suite's `before`. */
export async function startS3Stack(...buckets: string[]): Promise<{ stack: EdgeparityStack; s3: S3Client }> {
  const stack = await startEdgeparity({ config: { buckets: Object.fromEntries(buckets.map((b) => [b, {}])) } });
  return { stack, s3: localS3Client(stack) };
}

/** Ends what `startS3Stack` started: a suite's `after`. */
export async function closeS3Stack(stack: EdgeparityStack, s3: S3Client): Promise<void> {
  s3.destroy();
  await stack.close();
}
