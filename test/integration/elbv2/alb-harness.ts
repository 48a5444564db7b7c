import { request } from "undici";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";

/** One load balancer `alb` with the given listeners and target groups, on ephemeral ports. */
export interface AlbHarness {
  stack: EdgeparityStack;
  send(path: string, o?: SendOptions): Promise<Reply>;
  close(): Promise<void>;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Index into the load balancer's listeners. Default 0. */
  listener?: number;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export interface AlbConfig {
  listeners: unknown[];
  targetGroups: unknown[];
  attributes?: { Key: string; Value: string }[];
  targets: Record<string, unknown[]>;
  clock?: "manual";
  baseDir?: string;
  listenerPorts?: Record<string, number>;
}

export function albStack(c: AlbConfig) {
  return {
    loadBalancers: [{ Name: "alb", Attributes: c.attributes ?? [], Listeners: c.listeners }],
    targetGroups: c.targetGroups,
    local: {
      targetGroups: Object.fromEntries(Object.entries(c.targets).map(([k, v]) => [k, { targets: v }])),
      ...(c.listenerPorts ? { loadBalancers: { alb: { listeners: c.listenerPorts } } } : {}),
    },
  };
}

export async function startAlb(c: AlbConfig): Promise<AlbHarness> {
  const stack = await startEdgeparity({ config: albStack(c), clock: c.clock, baseDir: c.baseDir });
  return {
    stack,
    async send(path, o = {}) {
      const l = stack.loadBalancers["alb"]!.listeners[o.listener ?? 0]!;
      const r = await request(new URL(path, l.url), {
        method: (o.method ?? "GET") as "GET",
        headers: o.headers,
        body: o.body,
        dispatcher: stack.dispatcher,
      });
      const body = Buffer.from(await r.body.arrayBuffer());
      return { status: r.statusCode, headers: r.headers, body, text: body.toString() };
    },
    close: () => stack.close(),
  };
}

export const HTTP80 = (DefaultActions: unknown[], Rules: unknown[] = [], extra: Record<string, unknown> = {}) => ({
  Protocol: "HTTP",
  Port: 80,
  DefaultActions,
  Rules,
  ...extra,
});
export const forward = (tg: string) => ({ Type: "forward", TargetGroupArn: tg });
export const fixed = (StatusCode: string, MessageBody?: string, ContentType?: string) => ({
  Type: "fixed-response",
  FixedResponseConfig: { StatusCode, ...(MessageBody !== undefined ? { MessageBody } : {}), ...(ContentType ? { ContentType } : {}) },
});
export const tg = (Name: string, extra: Record<string, unknown> = {}) => ({ Name, Protocol: "HTTP", TargetType: "ip", ...extra });

/** Origins that answer with their own name, so tests can see which target served. */
export async function namedTargets(...names: string[]): Promise<OriginServer[]> {
  return Promise.all(
    names.map((n) =>
      startOrigin((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(n);
      }),
    ),
  );
}
