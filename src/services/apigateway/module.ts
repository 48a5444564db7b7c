import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { InFlight } from "../../core/in-flight.js";
import { LOCAL_CREDENTIALS } from "../../core/sigv4.js";
import { IamVerifier } from "./authorizers/iam-authorizer.js";
import { ApiMetrics } from "./observe/api-metrics.js";
import type { HttpHandler, LiveService, ServiceContext, ServiceModule } from "../../core/service.js";
import type { Stack } from "../../model/stack.js";
import { boundFunctionConfig, startLambdaRuntime, type LambdaRuntime } from "../lambda/index.js";
import { createApiHandler } from "./api-handler.js";
import type { ApiGatewayPlan } from "./compile/api-plan.js";
import { compileApis, type JwksByIssuer } from "./compile/compile-apis.js";
import type { JwksKeys } from "./authorizers/jwks.js";
import { readIssuerKeys } from "./authorizers/issuer-keys.js";
import { deriveApiId, functionNameFromUri } from "./schema/api-names.js";
import { cognitoIssuer } from "./schema/cognito-issuer.js";
import { Throttles } from "./throttling/token-bucket.js";
import { UsagePlans } from "./throttling/usage-plans.js";

/**
 * API Gateway as the engine drives it. Bind checks that every Lambda integration's function is
 * bound to a handler file (`local.functions.<FunctionName>.handler`) and claims the execute-api
 * names of the stack's APIs as origins; compile builds the frozen routers; each revision gets its
 * own Lambda runtime (handler files are imported anew, as after UpdateFunctionCode), and the
 * previous one closes once its requests are done.
 */
export type ApiGatewayLive = LiveService<ApiGatewayPlan> & {
  readonly plan: ApiGatewayPlan;
  /** One API's CloudWatch metrics (observe/api-metrics.ts), by API id. */
  metrics(apiId: string): Record<string, number>;
};

/** The local account (core/account.ts), as in every other service's ARNs. */
const ACCOUNT = LOCAL_ACCOUNT_ID;
const DRAIN_LIMIT_MS = 60_000;
const EXECUTE_API = /^([a-z0-9]{10})\.execute-api\.(?:[a-z0-9-]+\.amazonaws\.com|localhost)$/;

export const APIGATEWAY_SERVICE: ServiceModule<Stack, JwksByIssuer, ApiGatewayPlan, ApiGatewayLive> = {
  name: "apigateway",
  async bind(stack, ctx) {
    const problems: string[] = [];
    const needed = new Map<string, string>();
    for (const [name, api] of Object.entries(stack.restApis))
      for (const [path, r] of Object.entries(api.Resources))
        for (const [method, m] of Object.entries(r.Methods))
          if (m.Integration?.Type === "AWS_PROXY" && m.Integration.Uri) {
            const fn = functionNameFromUri(m.Integration.Uri);
            if (fn && !needed.has(fn)) needed.set(fn, `restApis.${name}.Resources.${path}.Methods.${method}.Integration.Uri`);
          }
    for (const [name, api] of Object.entries(stack.restApis))
      for (const [id, a] of Object.entries(api.Authorizers)) {
        const fn = a.Type === "COGNITO_USER_POOLS" ? undefined : functionNameFromUri(a.AuthorizerUri ?? "");
        if (fn && !needed.has(fn)) needed.set(fn, `restApis.${name}.Authorizers.${id}.AuthorizerUri`);
      }
    for (const [name, api] of Object.entries(stack.httpApis))
      for (const [id, a] of Object.entries(api.Authorizers)) {
        const fn = a.AuthorizerType === "REQUEST" ? functionNameFromUri(a.AuthorizerUri ?? "") : undefined;
        if (fn && !needed.has(fn)) needed.set(fn, `httpApis.${name}.Authorizers.${id}.AuthorizerUri`);
      }
    for (const [name, api] of Object.entries(stack.httpApis))
      for (const [id, i] of Object.entries(api.Integrations))
        if (i.IntegrationType === "AWS_PROXY" && i.IntegrationUri) {
          const fn = functionNameFromUri(i.IntegrationUri);
          if (fn && !needed.has(fn)) needed.set(fn, `httpApis.${name}.Integrations.${id}.IntegrationUri`);
        }
    for (const [fn, at] of needed)
      if (!stack.local.functions[fn])
        problems.push(
          `local.functions.${fn}.handler: Lambda function ${fn} (${at}) is not bound to a handler file; add local.functions.${fn}.handler: <file>.mjs`,
        );
    for (const [fn, f] of Object.entries(stack.local.functions)) {
      const file = resolve(ctx.baseDir, f.handler);
      const s = await stat(file).catch(() => undefined);
      if (!s?.isFile()) problems.push(`local.functions.${fn}.handler: handler file not found: ${file}`);
    }
    const jwks = await readJwksFiles(stack, ctx.baseDir, problems);
    const ids = new Set([
      ...Object.keys(stack.restApis).map((n) => stack.local.restApis[n]?.apiId ?? deriveApiId("rest", n)),
      ...Object.keys(stack.httpApis).map((n) => stack.local.httpApis[n]?.apiId ?? deriveApiId("http", n)),
    ]);
    return {
      binding: jwks,
      problems,
      claimOrigin(domain) {
        const m = EXECUTE_API.exec(domain.toLowerCase());
        return m && ids.has(m[1]!) ? `${m[1]}.execute-api.localhost` : undefined;
      },
    };
  },
  async compile(stack, jwks, ctx) {
    // Certificates need no list: the gateway issues one per SNI for every routed host.
    return compileApis(stack, ctx.baseDir, ctx.region, jwks);
  },
  async start(first, ctx) {
    return startApiGateway(first, ctx);
  },
};

/**
 * Each JWT authorizer's Issuer, and each Cognito authorizer's user pool issuer, needs its key set
 * at `local.jwks.<Issuer>` (AWS fetches it from the issuer).
 */
async function readJwksFiles(stack: Stack, baseDir: string, problems: string[]): Promise<JwksByIssuer> {
  const out = new Map<string, JwksKeys>();
  const issuers = new Map<string, string>();
  for (const [name, api] of Object.entries(stack.httpApis))
    for (const [id, a] of Object.entries(api.Authorizers)) {
      const issuer = a.JwtConfiguration?.Issuer;
      if (a.AuthorizerType === "JWT" && issuer && !issuers.has(issuer)) issuers.set(issuer, `httpApis.${name}.Authorizers.${id}.JwtConfiguration.Issuer`);
    }
  for (const [name, api] of Object.entries(stack.restApis))
    for (const [id, a] of Object.entries(api.Authorizers))
      if (a.Type === "COGNITO_USER_POOLS")
        for (const [i, arn] of (a.ProviderARNs ?? []).entries()) {
          const issuer = cognitoIssuer(arn);
          if (issuer && !issuers.has(issuer)) issuers.set(issuer, `restApis.${name}.Authorizers.${id}.ProviderARNs[${i}]`);
        }
  for (const [issuer, at] of issuers) {
    const file = stack.local.jwks[issuer];
    if (file === undefined) {
      problems.push(
        `local.jwks: the token issuer ${issuer} (${at}) has no key set; add local.jwks."${issuer}": <file>.json (a JWKS {"keys": [...]}, or the issuer's openid-configuration with a local jwks_uri)`,
      );
      continue;
    }
    const path = resolve(baseDir, file);
    const keys = await readIssuerKeys(issuer, path);
    if (typeof keys === "string") problems.push(`local.jwks.${issuer}: ${path}: ${keys}`);
    else out.set(issuer, keys);
  }
  return out;
}

async function startApiGateway(first: ApiGatewayPlan, ctx: ServiceContext): Promise<ApiGatewayLive> {
  let current = first;
  let runtime: LambdaRuntime;
  let gen = new InFlight();
  let routes = new Map<string, HttpHandler>();
  // CloudWatch metrics per API id, kept across revisions (a redeployment does not reset them).
  const metrics = new Map<string, ApiMetrics>();

  const open = (plan: ApiGatewayPlan) => {
    const lambda = startLambdaRuntime({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, region: ctx.region, accountId: ACCOUNT });
    for (const f of plan.functions) lambda.register(boundFunctionConfig(f));
    const g = new InFlight();
    const throttles = new Throttles(ctx.clock);
    const usage = new UsagePlans(ctx.clock);
    // AWS_IAM: the local access keys S3 accepts too (core/sigv4.ts), every one the account's root.
    const iam = new IamVerifier(LOCAL_CREDENTIALS, ACCOUNT, ctx.region);
    const next = new Map<string, HttpHandler>();
    for (const api of plan.apis) {
      const port = ctx.httpsPort === 443 ? "" : `:${ctx.httpsPort}`;
      const stages = [...api.stages.keys()].map((st) => (st === "$default" ? "" : `${st}/`));
      ctx.log.info(`${api.kind} api ${api.name} (id ${api.id}): ${stages.map((st) => `https://${api.hosts[0]}${port}/${st}`).join("  ") || "no stages"}`);
      let m = metrics.get(api.id);
      if (!m || m.kind !== api.kind) metrics.set(api.id, (m = new ApiMetrics(api.kind)));
      const handler = g.wrap(
        createApiHandler(api, { clock: ctx.clock, ids: ctx.ids, log: ctx.log, lambda, accountId: ACCOUNT, throttles, usage, iam, region: ctx.region }, m),
      );
      for (const h of api.hosts) next.set(h, handler);
    }
    return { lambda, gen: g, routes: next };
  };
  const install = (o: ReturnType<typeof open>) => {
    runtime = o.lambda;
    gen = o.gen;
    routes = o.routes;
  };
  install(open(first));
  return {
    get routes() {
      return routes;
    },
    get plan() {
      return current;
    },
    metrics(apiId) {
      return metrics.get(apiId)?.snapshot() ?? {};
    },
    async apply(plan) {
      const oldRuntime = runtime;
      const oldGen = gen;
      install(open(plan));
      current = plan;
      void oldGen
        .drained(DRAIN_LIMIT_MS)
        .then(() => oldRuntime.close())
        .catch((e: unknown) => ctx.log.warn(`apis: closing the previous revision: ${(e as Error).message}`));
    },
    async close() {
      await runtime.close();
    },
  };
}
