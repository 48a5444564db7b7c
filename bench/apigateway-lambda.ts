// The API Gateway → Lambda proxy hop (apigateway.md §4): the p50 of a request through a REST API
// `{proxy+}` AWS_PROXY method (HTTP/1.1 keep-alive to the gateway, payload 1.0 event built, the
// function invoked in the Lambda runtime, the response contract checked) against the p50 of
// invoking the same handler directly in the same kind of Lambda runtime with a ready-made event.
// Sequential requests; each side is measured twice, alternating, best round kept (noisy machines).
// Run: node --import tsx bench/apigateway-lambda.ts [seconds-per-round]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { systemClock } from "../src/core/clock.js";
import { randomIds } from "../src/core/ids.js";
import { MemoryLog } from "../src/core/log.js";
import { startEdgeparity } from "../src/index.js";
import { startLambdaRuntime } from "../src/services/lambda/index.js";

const SECONDS = Number(process.argv[2] ?? 2);
const dir = await mkdtemp(join(tmpdir(), "ep-bench-apigw-"));
const HANDLER = `export const handler = async (event) => ({ statusCode: 200, headers: { "content-type": "text/plain" }, body: "ok " + event.path });\n`;
await writeFile(join(dir, "app.mjs"), HANDLER);
const FN = "arn:aws:lambda:us-east-1:123456789012:function:app";

const stack = await startEdgeparity({
  config: {
    restApis: {
      bench: {
        Resources: {
          "/{proxy+}": {
            Methods: {
              ANY: {
                Integration: {
                  Type: "AWS_PROXY",
                  IntegrationHttpMethod: "POST",
                  Uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations`,
                },
              },
            },
          },
        },
        Stages: { prod: {} },
      },
    },
    local: { functions: { app: { handler: "app.mjs" } }, restApis: { bench: { apiId: "benchapi01" } } },
  },
  baseDir: dir,
  stateDir: join(dir, "state"),
});
const lambda = startLambdaRuntime({ clock: systemClock, ids: randomIds, log: new MemoryLog(), region: "us-east-1", accountId: "000000000000" });
lambda.register({ FunctionName: "app", Handler: "app.handler", Code: { File: join(dir, "app.mjs") } });
// A payload 1.0 event of the same shape the gateway builds (the direct call skips building it).
const event = {
  resource: "/{proxy+}",
  path: "/items/1",
  httpMethod: "GET",
  headers: { Host: "benchapi01.execute-api.localhost" },
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { proxy: "items/1" },
  stageVariables: null,
  requestContext: {},
  body: null,
  isBase64Encoded: false,
};

async function timed(one: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 50; i++) await one(); // warm the execution environment and the connection
  const samples: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await one();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const pool = new Pool(`http://127.0.0.1:${stack.httpPort}`, { connections: 1 });
const viaGateway = async () => {
  const r = await pool.request({ path: "/prod/items/1", method: "GET", headers: { host: `benchapi01.execute-api.localhost:${stack.httpPort}` } });
  if (r.statusCode !== 200) throw new Error(`gateway answered ${r.statusCode}`);
  await r.body.dump();
};
const direct = async () => {
  const r = await lambda.invoke("app", event);
  if (r.FunctionError) throw new Error(r.Payload);
};

let gatewayP50 = Infinity;
let directP50 = Infinity;
for (let round = 0; round < 2; round++) {
  directP50 = Math.min(directP50, await timed(direct));
  gatewayP50 = Math.min(gatewayP50, await timed(viaGateway));
}
await pool.close();
await lambda.close();
await stack.close();
await rm(dir, { recursive: true, force: true });

console.log(`direct Lambda invoke p50      ${directP50.toFixed(3)} ms`);
console.log(`API Gateway → Lambda p50      ${gatewayP50.toFixed(3)} ms`);
console.log(`API Gateway hop: +${(gatewayP50 - directP50).toFixed(3)} ms, ratio ${(gatewayP50 / directP50).toFixed(2)}× the direct call`);
