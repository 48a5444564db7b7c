/**
 * The one AWS account every local resource belongs to: in ARNs (ELBv2 target groups, Lambda
 * functions, CloudFront distributions as OAC's `aws:SourceArn`) and in S3's account principal.
 *
 * Choice: `000000000000`, not the documentation example `123456789012`: users write it into their
 * own config — a bucket policy's `aws:SourceArn` condition names the distribution's ARN
 * (demo/stack.yaml, the test fixtures and docs/fidelity.md all use it) — so it must be the value
 * that already works there; it is also LocalStack's default account id.
 */
export const LOCAL_ACCOUNT_ID = "000000000000";

/**
 * The access keys the local AWS APIs accept (every service's SigV4 check): what the AWS CLI and
 * SDKs are configured with for LocalStack-style endpoints (`AWS_ACCESS_KEY_ID=test`).
 */
export const LOCAL_CREDENTIALS: readonly { accessKeyId: string; secretAccessKey: string }[] = [{ accessKeyId: "test", secretAccessKey: "test" }];
