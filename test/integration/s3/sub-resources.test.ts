import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { errorCode, openH2, sendWire, WIRE_PROTOCOLS, type WireProtocol, type WireRequest } from "../../support/s3-wire.js";

/**
 * An operation we do not implement must never change data (s3.md §4.1): every sub-resource of the
 * S3 REST API (the `?name` of each operation in the API reference), with every method, at bucket
 * and object level, on HTTP/1.1 and HTTP/2. Rows we implement are exercised by their own tests;
 * every other row that is an S3 operation answers 501 NotImplemented, and a pair S3 has no operation
 * for answers 405, both in S3's XML; afterwards the object and the bucket are exactly as before.
 */
const ALL_SUB_RESOURCES = [
  "abac", "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
  "inventory", "legal-hold", "lifecycle", "location", "logging", "metadataConfiguration", "metadataInventoryTable",
  "metadataJournalTable", "metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy",
  "policyStatus", "publicAccessBlock", "renameObject", "replication", "requestPayment", "restore", "retention", "select",
  "session", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions", "website",
]; // prettier-ignore

/** (scope method sub) rows that are real operations here; their behaviour is tested elsewhere. */
const IMPLEMENTED = new Set([
  "OBJECT PUT uploadId", "OBJECT GET uploadId", "OBJECT POST uploadId", "OBJECT DELETE uploadId", "OBJECT POST uploads",
  "OBJECT GET tagging", "OBJECT PUT tagging", "OBJECT DELETE tagging", "OBJECT GET acl", "OBJECT PUT acl", "OBJECT GET attributes",
  "BUCKET POST delete", "BUCKET GET cors", "BUCKET PUT cors", "BUCKET DELETE cors", "BUCKET GET policy", "BUCKET PUT policy",
  "BUCKET DELETE policy", "BUCKET GET website", "BUCKET PUT website", "BUCKET DELETE website", "BUCKET GET uploads",
  "BUCKET GET location", "BUCKET GET tagging", "BUCKET PUT tagging", "BUCKET DELETE tagging", "BUCKET GET acl", "BUCKET PUT acl",
  "BUCKET GET versioning", "BUCKET GET encryption",
]); // prettier-ignore

/** The S3 API's operations per sub-resource (API reference request syntax), "SCOPE sub methods". */
const S3_API = [
  "BUCKET abac GET PUT", "BUCKET accelerate GET PUT", "BUCKET acl GET PUT", "BUCKET analytics GET PUT DELETE", "BUCKET cors GET PUT DELETE",
  "BUCKET delete POST", "BUCKET encryption GET PUT DELETE", "BUCKET intelligent-tiering GET PUT DELETE", "BUCKET inventory GET PUT DELETE",
  "BUCKET lifecycle GET PUT DELETE", "BUCKET location GET", "BUCKET logging GET PUT", "BUCKET metadataConfiguration GET POST DELETE",
  "BUCKET metadataInventoryTable PUT", "BUCKET metadataJournalTable PUT", "BUCKET metadataTable GET POST DELETE", "BUCKET metrics GET PUT DELETE",
  "BUCKET notification GET PUT", "BUCKET object-lock GET PUT", "BUCKET ownershipControls GET PUT DELETE", "BUCKET policy GET PUT DELETE",
  "BUCKET policyStatus GET", "BUCKET publicAccessBlock GET PUT DELETE", "BUCKET replication GET PUT DELETE", "BUCKET requestPayment GET PUT",
  "BUCKET session GET", "BUCKET tagging GET PUT DELETE", "BUCKET uploads GET", "BUCKET versioning GET PUT", "BUCKET versions GET",
  "BUCKET website GET PUT DELETE", "OBJECT acl GET PUT", "OBJECT attributes GET", "OBJECT legal-hold GET PUT", "OBJECT renameObject PUT",
  "OBJECT restore POST", "OBJECT retention GET PUT", "OBJECT select POST", "OBJECT tagging GET PUT DELETE", "OBJECT torrent GET", "OBJECT uploadId GET PUT POST DELETE",
  "OBJECT uploads POST",
]; // prettier-ignore
const isOperation = (scope: string, method: string, sub: string) =>
  S3_API.some((row) => {
    const [s, name, ...methods] = row.split(" ");
    return s === scope && name === sub && methods.includes(method === "HEAD" ? "GET" : method);
  });

const METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"];
const Bucket = "subres-bucket";
const HOST = `${Bucket}.s3.localhost`;
const CONTENT = "the original object bytes";
const TAGGING_XML = `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`;

describe("s3 sub-resource dispatch", () => {
  let stack: EdgeparityStack;
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } } });
  });
  after(async () => {
    await stack.close();
  });

  for (const protocol of WIRE_PROTOCOLS) {
    it(`S3 dispatch: every unimplemented (method, sub-resource) answers 501/405 XML and changes no object or bucket, ${protocol} (s3.md §4.1)`, async () => {
      const session = protocol === "HTTP/2" ? openH2(stack, HOST) : undefined;
      const send = (r: WireRequest) => sendWire(stack, protocol, r, session);
      try {
        const put = await send({ method: "PUT", host: HOST, path: "/obj.txt", body: CONTENT });
        assert.equal(put.status, 200);
        const etag = put.headers.etag;
        const failures: string[] = [];
        for (const sub of ALL_SUB_RESOURCES) {
          for (const scope of ["OBJECT", "BUCKET"] as const) {
            for (const method of METHODS) {
              const row = `${scope} ${method} ${sub}`;
              if (IMPLEMENTED.has(row)) continue;
              const path = `${scope === "OBJECT" ? "/obj.txt" : "/"}?${sub}`;
              const hasBody = method === "PUT" || method === "POST";
              const res = await send({ method, host: HOST, path, ...(hasBody ? { body: TAGGING_XML } : {}) });
              const want = isOperation(scope, method, sub) ? 501 : 405;
              if (res.status !== want) failures.push(`${row}: ${res.status} ${errorCode(res) ?? ""}`);
              else if (method !== "HEAD" && errorCode(res) !== (want === 501 ? "NotImplemented" : "MethodNotAllowed"))
                failures.push(`${row}: body ${res.text.slice(0, 120)}`);
            }
            // Nothing changed: same bytes, same ETag, the bucket still there.
            const got = await send({ method: "GET", host: HOST, path: "/obj.txt" });
            if (got.status !== 200 || got.text !== CONTENT || got.headers.etag !== etag) {
              failures.push(`after ?${sub} at ${scope} level: object is ${got.status} ${JSON.stringify(got.text.slice(0, 80))}`);
              await send({ method: "PUT", host: HOST, path: "/obj.txt", body: CONTENT });
            }
            const head = await send({ method: "HEAD", host: HOST, path: "/" });
            if (head.status !== 200) {
              failures.push(`after ?${sub} at ${scope} level: bucket HEAD ${head.status}`);
              await send({ method: "PUT", host: "s3.localhost", path: `/${Bucket}` });
              await send({ method: "PUT", host: HOST, path: "/obj.txt", body: CONTENT });
            }
          }
        }
        assert.deepEqual(failures, []);
      } finally {
        session?.close();
      }
    });
  }

  it("S3 dispatch: a sub-resource with other query parameters (versionId, x-id) is still that sub-resource (s3.md §4.1)", async () => {
    for (const protocol of WIRE_PROTOCOLS as WireProtocol[]) {
      const res = await sendWire(stack, protocol, { method: "PUT", host: HOST, path: "/obj2.txt?x-id=PutObjectRetention&retention", body: "<Retention/>" });
      assert.equal(res.status, 501, protocol);
      const get = await sendWire(stack, protocol, { method: "GET", host: HOST, path: "/obj2.txt" });
      assert.equal(get.status, 404, `${protocol}: PUT ?retention must not create the object`);
    }
  });
});
