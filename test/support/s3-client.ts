import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { EdgeparityStack } from "../../src/index.js";

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
