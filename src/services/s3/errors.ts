/** S3's error documents, verbatim shape (s3.md §5). */
export interface S3Error {
  status: number;
  code: string;
  message: string;
  extra?: Record<string, string>;
}

export function s3ErrorXml(e: S3Error, resource: string, requestId: string): string {
  const extra = Object.entries(e.extra ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message>${extra}<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

export const accessDenied = (): S3Error => ({ status: 403, code: "AccessDenied", message: "Access Denied" });
export const noSuchKey = (key: string): S3Error => ({ status: 404, code: "NoSuchKey", message: "The specified key does not exist.", extra: { Key: key } });
export const noSuchBucket = (bucket: string): S3Error => ({
  status: 404,
  code: "NoSuchBucket",
  message: "The specified bucket does not exist",
  extra: { BucketName: bucket },
});
export const methodNotAllowed = (method: string): S3Error => ({
  status: 405,
  code: "MethodNotAllowed",
  message: "The specified method is not allowed against this resource.",
  extra: { Method: method, ResourceType: "OBJECT" },
});
export const notImplemented = (): S3Error => ({
  status: 501,
  code: "NotImplemented",
  message: "A header you provided implies functionality that is not implemented",
});
