import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateInvalidationCommand,
  CreateKeyGroupCommand,
  CreatePublicKeyCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  ListKeyGroupsCommand,
  ListPublicKeysCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  type CloudFrontClient,
} from "@aws-sdk/client-cloudfront";
import { runCli } from "../support/cli.js";
import { cloudFrontClients, type CloudFrontClients } from "../support/cloudfront-client.js";
import { startWalkthrough, type Walkthrough } from "../support/cloudfront-walkthrough.js";

/**
 * Issue 11 §State through the real CLI, for what the API keeps beside the stack: invalidation
 * records (made through the API over HTTP/1.1 and HTTP/2, and by `edgeparity invalidate`) answer
 * GetInvalidation / ListInvalidations the same after a restart of `edgeparity up` on the same state
 * dir, CallerReference idempotency included (cloudfront.md §12); and `edgeparity export` carries
 * ELBv2 tags (the stack has a Tags field) through an export → `up` round trip, while it names on
 * stderr what a stack file has no field for (CloudFront tags, public keys, key groups) — see
 * docs/fidelity.md "State: API records and export".
 */
const strip = <T extends { $metadata?: unknown }>(o: T): Omit<T, "$metadata"> => {
  const { $metadata: _m, ...rest } = o;
  return rest;
};

describe("e2e: CloudFront API records — invalidations survive a restart; export names what a stack file cannot carry (issue 11 §State)", () => {
  let w: Walkthrough;
  let id: string;
  let cf: CloudFrontClients;
  const connect = () => {
    cf?.destroy();
    const r = w.session().ready as { httpPort: number; httpsPort: number };
    cf = cloudFrontClients({ httpPort: r.httpPort, httpsPort: r.httpsPort, caPem: w.session().caPem });
  };
  const restart = async (config?: string) => {
    await w.restart(config);
    connect();
  };
  const both = (): [string, CloudFrontClient][] => [
    ["HTTP/1.1", cf.h1],
    ["HTTP/2", cf.h2],
  ];

  before(async () => {
    w = await startWalkthrough();
    id = w.created.Distribution.Id;
    connect();
  });
  after(async () => {
    cf?.destroy();
    await w?.close();
  });

  /** ListInvalidations and every GetInvalidation; both HTTP versions must answer the same. */
  const readInvalidations = async () => {
    const seen = [];
    for (const [, c] of both()) {
      const list = strip(await c.send(new ListInvalidationsCommand({ DistributionId: id })));
      const items = list.InvalidationList?.Items ?? [];
      const each = await Promise.all(items.map(async (i) => strip(await c.send(new GetInvalidationCommand({ DistributionId: id, Id: i.Id! })))));
      seen.push({ list, each });
    }
    assert.deepEqual(seen[1], seen[0], "HTTP/1.1 and HTTP/2 answer the same");
    return seen[0]!;
  };

  it("state: invalidations made through the API (HTTP/1.1 and HTTP/2) and edgeparity invalidate answer Get/ListInvalidations the same after a restart (cloudfront.md §12)", async () => {
    const a = await cf.h1.send(
      new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "ref-h1", Paths: { Quantity: 1, Items: ["/index.html"] } } }),
    );
    const b = await cf.h2.send(
      new CreateInvalidationCommand({
        DistributionId: id,
        InvalidationBatch: { CallerReference: "ref-h2", Paths: { Quantity: 2, Items: ["/page.html", "/img/*"] } },
      }),
    );
    assert.equal(a.Invalidation?.Status, "InProgress");
    const cli = await runCli(["invalidate", id, "/*", "--state-dir", w.state]);
    assert.equal(cli.code, 0, cli.stderr);
    const before = await readInvalidations();
    const items = before.list.InvalidationList?.Items ?? [];
    assert.equal(items.length, 3);
    assert.deepEqual(
      items.slice(1).map((i) => i.Id),
      [b.Invalidation!.Id, a.Invalidation!.Id],
      "newest first",
    );
    assert.ok(items.every((i) => i.Status === "Completed"));

    await restart();
    assert.deepEqual(await readInvalidations(), before);
  });

  it("state: after a restart a repeated CallerReference still returns the same invalidation, and another batch under it is InvalidationBatchAlreadyExists (cloudfront.md §12)", async () => {
    for (const [http, c] of both()) {
      const again = await c.send(
        new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "ref-h1", Paths: { Quantity: 1, Items: ["/index.html"] } } }),
      );
      const listed = await c.send(new ListInvalidationsCommand({ DistributionId: id }));
      assert.equal(listed.InvalidationList?.Quantity, 3, `[${http}] no new invalidation`);
      assert.equal(again.Invalidation?.Id, listed.InvalidationList?.Items?.at(-1)?.Id, `[${http}] the first invalidation's Id`);
      await assert.rejects(
        c.send(
          new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "ref-h1", Paths: { Quantity: 1, Items: ["/other"] } } }),
        ),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === "InvalidationBatchAlreadyExists" && e.$metadata?.httpStatusCode === 409,
      );
    }
  });

  it("export: ELBv2 tags are carried through export → up; CloudFront tags, public keys and key groups are named as not carried (docs/fidelity.md)", async () => {
    const arn = `arn:aws:cloudfront::000000000000:distribution/${id}`;
    await cf.h1.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "env", Value: "test" }] } }));
    await cf.h2.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const key = await cf.h2.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "pk-1", Name: "signer", EncodedKey: pem } }));
    const group = await cf.h1.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "signers", Items: [key.PublicKey!.Id!] } }));
    const tg = JSON.parse(
      await w.aws(
        "elbv2",
        "create-target-group",
        "--name",
        "tagged",
        "--protocol",
        "HTTP",
        "--port",
        "80",
        "--vpc-id",
        "vpc-1",
        "--target-type",
        "ip",
        "--tags",
        "Key=team,Value=edge",
      ),
    ) as { TargetGroups: { TargetGroupArn: string }[] };
    await w.aws("elbv2", "add-tags", "--resource-arns", tg.TargetGroups[0]!.TargetGroupArn, "--tags", "Key=env,Value=test");

    const exported = join(w.work, "export-records.yaml");
    const r = await runCli(["export", "--config", w.stackDir, "--state-dir", w.state, "--out", exported]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: export: not carried: CloudFront tags of ${arn} \\(env, team\\)`));
    assert.match(r.stderr, new RegExp(`not carried: CloudFront public key ${key.PublicKey!.Id!} \\(signer\\)`));
    assert.match(r.stderr, new RegExp(`not carried: CloudFront key group ${group.KeyGroup!.Id!} \\(signers\\)`));
    assert.match(r.stderr, new RegExp(`not carried: CloudFront invalidation history of distribution ${id} \\(3\\)`));
    assert.doesNotMatch(r.stderr, /not carried: .*tagged/, "ELBv2 tags are carried");
    assert.match(await readFile(exported, "utf8"), /Key: env/);

    // Served from the export alone: the API's saved state is moved away.
    await w.session().stop();
    await rename(join(w.state, "api"), join(w.work, "api-records-saved"));
    await restart(exported);
    const described = JSON.parse(await w.aws("elbv2", "describe-target-groups", "--names", "tagged")) as { TargetGroups: { TargetGroupArn: string }[] };
    const tags = JSON.parse(await w.aws("elbv2", "describe-tags", "--resource-arns", described.TargetGroups[0]!.TargetGroupArn)) as {
      TagDescriptions: { Tags: { Key: string; Value: string }[] }[];
    };
    assert.deepEqual(tags.TagDescriptions[0]!.Tags.map((t) => `${t.Key}=${t.Value}`).sort(), ["env=test", "team=edge"]);
    for (const [http, c] of both()) {
      const cfTags = await c.send(new ListTagsForResourceCommand({ Resource: arn }));
      assert.deepEqual(cfTags.Tags?.Items ?? [], [], `[${http}] CloudFront tags are not carried, as the export warned`);
      assert.equal((await c.send(new ListPublicKeysCommand({}))).PublicKeyList?.Quantity ?? 0, 0, `[${http}]`);
      assert.equal((await c.send(new ListKeyGroupsCommand({}))).KeyGroupList?.Quantity ?? 0, 0, `[${http}]`);
    }
  });
});
