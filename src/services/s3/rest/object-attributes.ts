import type { BucketState } from "../bucket-state.js";
import { accessDenied, invalidArgument, invalidRequest, noSuchKey } from "../errors.js";
import { httpDate, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/**
 * GetObjectAttributes (`GET /{key}?attributes`, API GetObjectAttributes): the attributes named in
 * `x-amz-object-attributes`, in the shape's order. The ETag is unquoted here, unlike the header.
 */
const ATTRIBUTES = new Set(["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]);

export function getObjectAttributes(call: S3Call, bucket: BucketState, key: string, canList: boolean): void {
  const raw = call.req.headers["x-amz-object-attributes"];
  const wanted = String(raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!wanted.length)
    return sendError(call, invalidRequest("The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"));
  for (const a of wanted) if (!ATTRIBUTES.has(a)) return sendError(call, invalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", a));
  const meta = bucket.store.head(key);
  if (!meta) return sendError(call, canList ? noSuchKey(key) : accessDenied());
  const want = new Set(wanted);
  let xml = `<GetObjectAttributesResponse xmlns="${S3_XMLNS}">`;
  if (want.has("ETag")) xml += `<ETag>${meta.etag.replaceAll('"', "")}</ETag>`;
  if (want.has("Checksum") && Object.keys(meta.checksums).length) {
    xml += "<Checksum>";
    for (const algo in meta.checksums) xml += `<Checksum${algo.toUpperCase()}>${meta.checksums[algo]}</Checksum${algo.toUpperCase()}>`;
    xml += `<ChecksumType>${meta.checksumType ?? "FULL_OBJECT"}</ChecksumType></Checksum>`;
  }
  if (want.has("ObjectParts") && meta.partSizes) xml += `<ObjectParts><PartsCount>${meta.partSizes.length}</PartsCount></ObjectParts>`;
  if (want.has("StorageClass")) xml += `<StorageClass>${meta.headers["x-amz-storage-class"] ?? "STANDARD"}</StorageClass>`;
  if (want.has("ObjectSize")) xml += `<ObjectSize>${meta.size}</ObjectSize>`;
  sendXml(call, 200, xml + "</GetObjectAttributesResponse>", { "last-modified": httpDate(meta.lastModified) });
}
