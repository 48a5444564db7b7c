import { sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/**
 * Bucket settings the emulator has one fixed value for, answered as AWS answers a default bucket
 * (s3.md §4.7): versioning never enabled, the region of the endpoint, default encryption SSE-S3.
 */

/** A bucket that never had versioning enabled answers an empty VersioningConfiguration (API GetBucketVersioning). */
export function getBucketVersioning(call: S3Call): void {
  sendXml(call, 200, `<VersioningConfiguration xmlns="${S3_XMLNS}"/>`);
}

/** us-east-1 answers an empty LocationConstraint; other regions name themselves (API GetBucketLocation). */
export function getBucketLocation(call: S3Call, region: string): void {
  sendXml(
    call,
    200,
    region === "us-east-1" ? `<LocationConstraint xmlns="${S3_XMLNS}"/>` : `<LocationConstraint xmlns="${S3_XMLNS}">${region}</LocationConstraint>`,
  );
}

/** Every bucket has SSE-S3 default encryption since January 2023 (UG default-encryption-faq). */
export function getBucketEncryption(call: S3Call): void {
  sendXml(
    call,
    200,
    `<ServerSideEncryptionConfiguration xmlns="${S3_XMLNS}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`,
  );
}
