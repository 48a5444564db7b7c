import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestFacts } from "../../compile/compile-rules.js";
import { sendAlbError } from "../../errors.js";
import type { Action } from "../../schema/load-balancer.js";
import { targetGroupName } from "../../schema/validate-load-balancers.js";
import { endedCleanly, proxyToTarget } from "../../target-group/http-target.js";
import { buildEvent, invoke, LambdaError, parseLambdaResult, readBody, writeLambdaResponse, type LambdaFunction } from "../../target-group/lambda-target.js";
import { appCookies, decodeSticky, durationCookies, encodeSticky, parseCookies, setsCookie } from "../../target-group/stickiness.js";
import { random, type Target, type TargetGroupRuntime } from "../../target-group/target-group.js";
import { buildForwardHeaders, traceIdFor } from "../forward-headers.js";
import type { ListenerEnv, Outcome } from "../outcome.js";
import { isTraced, publishTrace } from "../../../../core/trace.js";

/**
 * forward (alb.md §3.1): one target group, or several by weight with optional group stickiness
 * (AWSALBTG); then target selection with stickiness (§6), headers (§7) and the target call.
 */
export type ForwardExec = (req: IncomingMessage, res: ServerResponse, f: RequestFacts) => Outcome | Promise<Outcome>;

export function compileForward(
  a: Action,
  env: ListenerEnv,
  groups: ReadonlyMap<string, TargetGroupRuntime>,
  lambdas: ReadonlyMap<string, LambdaFunction>,
): ForwardExec {
  const members = (a.ForwardConfig?.TargetGroups ?? [{ TargetGroupArn: a.TargetGroupArn!, Weight: 1 }]).map((m) => ({
    tg: groups.get(targetGroupName(m.TargetGroupArn))!,
    weight: m.Weight ?? 1,
  }));
  const sc = a.ForwardConfig?.TargetGroupStickinessConfig;
  const groupStickyMs = sc?.Enabled ? (sc.DurationSeconds ?? 0) * 1000 : undefined;
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (members.length === 1) {
    const only = members[0]!.tg;
    return (req, res, f) => dispatch(only, req, res, f, env, lambdas, undefined);
  }
  return (req, res, f) => {
    let chosen: TargetGroupRuntime | undefined;
    let cookies: string[] | undefined;
    const now = env.clock.now();
    if (groupStickyMs !== undefined) {
      const jar = parseCookies(req.headers.cookie);
      const raw = jar.get("AWSALBTG") ?? jar.get("AWSALBTGCORS");
      const v = decodeSticky(raw);
      if (v && v.expiresAt > now) chosen = members.find((m) => m.weight > 0 && m.tg.name === v.group)?.tg;
      if (raw !== undefined && !chosen) env.counters.add("NonStickyRequestCount");
      const expiresAt = chosen && v ? v.expiresAt : now + groupStickyMs;
      chosen ??= pickByWeight();
      if (chosen) cookies = durationCookies("AWSALBTG", encodeSticky({ group: chosen.name, target: "", expiresAt }, env.ids.hex32()), now);
    } else chosen = pickByWeight();
    if (!chosen) {
      // Choice: every member weighted 0 — no group can take the request; answered like an empty group.
      sendAlbError(res, 503, { server: env.server, headers: env.responseHeaders });
      return { status: 503, action: "forward" };
    }
    return dispatch(chosen, req, res, f, env, lambdas, cookies);
  };

  function pickByWeight(): TargetGroupRuntime | undefined {
    if (total === 0) return undefined;
    let r = random(env.ids) * total;
    for (const m of members) {
      r -= m.weight;
      if (r < 0) return m.tg;
    }
    return members[members.length - 1]!.tg;
  }
}

function dispatch(
  tg: TargetGroupRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  f: RequestFacts,
  env: ListenerEnv,
  lambdas: ReadonlyMap<string, LambdaFunction>,
  groupCookies: string[] | undefined,
): Outcome | Promise<Outcome> {
  const fail = (status: number, extra?: Partial<Outcome>): Outcome => {
    if (isTraced("albTarget"))
      traceTarget(
        f,
        tg,
        `no target can take the request → ${status}${status === 503 ? " (no registered targets that are not draining)" : " (the group's ProtocolVersion cannot carry this request)"}`,
      );
    sendAlbError(res, status, { server: env.server, headers: withCookies(env.responseHeaders, groupCookies) });
    tg.counters.addElbStatus(status);
    return { status, action: "forward", targetGroup: tg, ...extra };
  };
  // alb.md §4.3: no registered targets → 503.
  if (!tg.hasRegisteredTargets) return fail(503);
  // alb.md §4 matrix: a request the group's protocol version cannot carry → 464.
  const pv = tg.config.ProtocolVersion;
  if ((pv === "HTTP2" && req.httpVersionMajor < 2) || (pv === "GRPC" && !(req.httpVersionMajor >= 2 && req.method === "POST"))) return fail(464);

  let target: Target | undefined;
  /** The stickiness period of a cookie that still routes; re-encoded (rotated) on the response. */
  let stickyExpiresAt: number | undefined;
  const st = tg.stickiness;
  if (st) {
    const jar = parseCookies(req.headers.cookie);
    const raw = st.type === "lb_cookie" ? (jar.get("AWSALB") ?? jar.get("AWSALBCORS")) : jar.has(st.cookieName) ? jar.get("AWSALBAPP-0") : undefined;
    if (raw !== undefined && raw !== "_remove_") {
      target = tg.stickyTarget(raw);
      if (target) stickyExpiresAt = decodeSticky(raw)!.expiresAt;
      else tg.counters.add("NonStickyRequestCount");
    }
  }
  const isSticky = target !== undefined;
  target ??= tg.pick();
  // Choice: alb.md §4.3 — only draining targets left: 503, as for an empty group.
  if (!target) return fail(503);
  if (isTraced("albTarget"))
    traceTarget(
      f,
      tg,
      `target ${target.id} (${target.state}) picked ${isSticky ? "by its stickiness cookie" : `by ${tg.algorithm}`} of ${tg.describeTargets()}`,
    );
  const now = env.clock.now();
  let cookies = groupCookies ? [...groupCookies] : [];
  if (st?.type === "lb_cookie") {
    // Choice: the stickiness period runs from the first pick; later responses refresh only the cookie's Expires.
    cookies.push(
      ...durationCookies(
        "AWSALB",
        encodeSticky({ group: tg.name, target: target.id, expiresAt: stickyExpiresAt ?? now + st.durationMs }, env.ids.hex32()),
        now,
      ),
    );
  }
  tg.counters.add("RequestCount");
  const headers = buildForwardHeaders(
    req,
    traceIdFor(req.headers["x-amzn-trace-id"] as string | undefined, env.clock, env.ids),
    env.forward,
    f.conn,
    f.uriAuthority,
  );

  const traceId = headers["x-amzn-trace-id"] as string;
  if (tg.isLambda) return invokeLambda(tg, lambdas.get(tg.name)!, req, res, f, headers, env, cookies).then((o) => ({ ...o, traceId }));

  const chosen = target;
  const decorate = (th: IncomingMessage["headers"]) => {
    if (st?.type === "app_cookie") {
      // alb.md §6: once the target sets the application cookie, ALB adds AWSALBAPP-n with the target encoded.
      const fresh = setsCookie(th["set-cookie"], st.cookieName);
      if (fresh || stickyExpiresAt !== undefined)
        cookies = [
          ...cookies,
          ...appCookies(encodeSticky({ group: tg.name, target: chosen.id, expiresAt: fresh ? now + st.durationMs : stickyExpiresAt! }, env.ids.hex32()), now),
        ];
    }
    return withCookies(env.responseHeaders, cookies);
  };
  return proxyToTarget(chosen, req, res, { path: f.targetPath, headers, signal: f.signal, reset: f.closeAfter }, decorate, (status) => {
    sendAlbError(res, status, { server: env.server, headers: withCookies(env.responseHeaders, cookies) });
  }).then((r) => {
    if (isTraced("albTarget"))
      traceTarget(
        f,
        tg,
        r.clientGone
          ? `the client left before ${chosen.id} answered`
          : r.targetStatus !== undefined
            ? `target ${chosen.id} answered ${r.targetStatus} in ${(r.targetSeconds! * 1000).toFixed(1)} ms`
            : `target ${chosen.id} could not answer${r.connectionError ? " (connection refused or reset)" : ""} → ${r.status}`,
      );
    if (r.clientGone) return { status: r.status, target: chosen.id, targetGroup: tg, action: "forward" as const, traceId };
    if (r.targetStatus !== undefined) {
      tg.counters.addTargetStatus(r.targetStatus);
      tg.counters.addResponseTime(r.targetSeconds!);
    } else {
      tg.counters.addElbStatus(r.status);
      if (r.connectionError) tg.counters.add("TargetConnectionErrorCount");
    }
    return {
      status: r.status,
      targetStatus: r.targetStatus,
      target: chosen.id,
      targetGroup: tg,
      action: "forward" as const,
      targetSeconds: r.targetSeconds,
      traceId,
    };
  });
}

async function invokeLambda(
  tg: TargetGroupRuntime,
  fn: LambdaFunction,
  req: IncomingMessage,
  res: ServerResponse,
  f: RequestFacts,
  headers: Record<string, string | string[]>,
  env: ListenerEnv,
  cookies: string[],
): Promise<Outcome> {
  const base = { action: "forward" as const, targetGroup: tg };
  const started = performance.now();
  try {
    // alb.md §10.1: a WebSocket upgrade to a Lambda group is a 400.
    if (req.headers.upgrade?.toLowerCase() === "websocket") throw new LambdaError(400, "LambdaWebsocketNotSupported", "websocket");
    const body = await readBody(req);
    // issue 8 §9: an upload the client abandoned is never handed to the function.
    const declared = req.headers["content-length"] === undefined ? -1 : Number(req.headers["content-length"]);
    if (!(await endedCleanly(req, body.length, declared, f.signal))) return { ...base, status: 460 };
    const event = buildEvent({
      method: req.method ?? "GET",
      path: f.path,
      query: f.query,
      headers,
      body,
      targetGroupArn: tg.arn,
      multiValue: tg.multiValueHeaders,
    });
    const result = await invoke(fn, event);
    const targetSeconds = (performance.now() - started) / 1000;
    const r = parseLambdaResult(result, tg.multiValueHeaders);
    writeLambdaResponse(res, r, withCookies(env.responseHeaders, cookies));
    tg.counters.addTargetStatus(r.status);
    tg.counters.addResponseTime(targetSeconds);
    tg.counters.add("LambdaTargetProcessedBytes", body.length + r.body.length);
    return { ...base, status: r.status, targetStatus: r.status, targetSeconds };
  } catch (e) {
    // The client left while its body was read: nothing was invoked, nothing to answer or count.
    if (f.signal.aborted) return { ...base, status: 460 };
    const le = e instanceof LambdaError ? e : new LambdaError(502, "LambdaUnhandled", String(e));
    if (le.status === 502) tg.counters.add("LambdaUserError");
    env.log.debug(`target group ${tg.name}: Lambda ${le.reason}: ${le.message}`);
    sendAlbError(res, le.status, { server: env.server, headers: withCookies(env.responseHeaders, cookies) });
    tg.counters.addElbStatus(le.status);
    return { ...base, status: le.status, errorReason: le.reason };
  }
}

function withCookies(h: Readonly<Record<string, string>>, cookies: string[] | undefined): Record<string, string | string[]> {
  return cookies && cookies.length ? { ...h, "set-cookie": cookies } : h;
}

function traceTarget(f: RequestFacts, tg: TargetGroupRuntime, message: string): void {
  publishTrace("albTarget", f.traceId, "elbv2", `target group ${tg.name}: ${message}`, { data: { targetGroup: tg.name } });
}
