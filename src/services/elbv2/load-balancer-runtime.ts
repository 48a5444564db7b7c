import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../../core/clock.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { ConnectionInfo, HostPolicy, HttpHandler } from "../../core/service.js";
import { ALB_REQUEST, TRACE, traceIdOf, type TraceScope } from "../../core/trace.js";
import { traceRequest } from "../../core/trace-request.js";
import { formatAccessLogLine, requestBytes, type AccessLogFields } from "./access-log.js";
import { sendAlbError } from "./errors.js";
import { captureConnectionFacts, type ConnectionFacts } from "./listener/connection-facts.js";
import type { DesyncMode } from "./listener/desync.js";
import { stripPort } from "./listener/forward-headers.js";
import { buildHostPolicy } from "./listener/host-policy.js";
import { watchRequestIdle } from "./listener/request-idle-timeout.js";
import { ClientAbort, type ClientWatch } from "./listener/client-watch.js";
import { GoneSignal } from "../../core/http/gone-signal.js";
import { compileListener, type ListenerHandler } from "./listener/listener-handler.js";
import type { Outcome } from "./listener/outcome.js";
import type { Counters } from "./metrics.js";
import { LISTENER_ATTRIBUTES, LOAD_BALANCER_ATTRIBUTES, attributeMap } from "./schema/attributes.js";
import type { LoadBalancer } from "./schema/load-balancer.js";
import type { LambdaFunction } from "./target-group/lambda-target.js";
import type { TargetGroupRuntime } from "./target-group/target-group.js";

/**
 * One revision of a load balancer: its listeners compiled against the revision's target groups,
 * each listener's request handler for its own local port (listener-slots.ts owns the sockets, so
 * a port survives revisions) and the handler for its host names on the gateway; per-request
 * metrics (alb.md §12) and, when access_logs.s3.enabled, access-log lines in ALB's format (§11).
 * Counters and the access log are passed in, so they go on across revisions.
 */

export interface LoadBalancerRuntime {
  name: string;
  id: string;
  listeners: CompiledListener[];
  gatewayHandler: HttpHandler;
  /** How the shared gateway treats this load balancer's host names (core/service.ts HostPolicy). */
  hostPolicy: HostPolicy;
}

/** A listener as its own local port serves it (listener-server.ts options). */
export interface CompiledListener {
  /** The listener's Port as configured. */
  port: number;
  protocol: "HTTP" | "HTTPS";
  /** Requested local port (0 = any free port). */
  localPort: number;
  http2: boolean;
  idleTimeoutMs: number;
  server: boolean;
  what: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

const ACCESS_LOG_CAP = 10_000;
const RESPONSE_HEADER_ATTRIBUTES: [string, string][] = [
  ["routing.http.response.strict_transport_security.header_value", "strict-transport-security"],
  ["routing.http.response.access_control_allow_origin.header_value", "access-control-allow-origin"],
  ["routing.http.response.access_control_allow_methods.header_value", "access-control-allow-methods"],
  ["routing.http.response.access_control_allow_headers.header_value", "access-control-allow-headers"],
  ["routing.http.response.access_control_allow_credentials.header_value", "access-control-allow-credentials"],
  ["routing.http.response.access_control_expose_headers.header_value", "access-control-expose-headers"],
  ["routing.http.response.access_control_max_age.header_value", "access-control-max-age"],
  ["routing.http.response.content_security_policy.header_value", "content-security-policy"],
  ["routing.http.response.x_content_type_options.header_value", "x-content-type-options"],
  ["routing.http.response.x_frame_options.header_value", "x-frame-options"],
];

export function compileLoadBalancer(
  lb: LoadBalancer,
  d: {
    id: string;
    groups: ReadonlyMap<string, TargetGroupRuntime>;
    lambdas: ReadonlyMap<string, LambdaFunction>;
    /** Listener Port → local port (0 = any free port). */
    localPorts: Readonly<Record<string, number>>;
    clock: Clock;
    ids: Ids;
    log: Log;
    counters: Counters;
    accessLog: string[];
    trace?: TraceScope;
  },
): LoadBalancerRuntime {
  const attrs = attributeMap(lb.Attributes, LOAD_BALANCER_ATTRIBUTES);
  const idleTimeoutMs = Number(attrs.get("idle_timeout.timeout_seconds")) * 1000;
  const accessLogOn = attrs.get("access_logs.s3.enabled") === "true";
  const { counters, accessLog } = d;
  const elbId = `app/${lb.Name}/${d.id}`;
  const handlers: ListenerHandler[] = lb.Listeners.map((l) => {
    const la = attributeMap(l.Attributes, LISTENER_ATTRIBUTES);
    const responseHeaders: Record<string, string> = {};
    for (const [key, header] of RESPONSE_HEADER_ATTRIBUTES) {
      const v = la.get(key);
      // Choice: alb.md §7.6 — a configured value overwrites the target's header (UNCONFIRMED).
      if (v) responseHeaders[header] = v;
    }
    const protocol = l.Protocol === "HTTPS" ? "https" : "http";
    return compileListener(
      l,
      {
        loadBalancer: lb.Name,
        loadBalancerId: elbId,
        port: l.Port,
        protocol,
        forward: {
          xffMode: attrs.get("routing.http.xff_header_processing.mode") as "append",
          xffClientPort: attrs.get("routing.http.xff_client_port.enabled") === "true",
          preserveHost: attrs.get("routing.http.preserve_host_header.enabled") === "true",
          dropInvalidHeaders: attrs.get("routing.http.drop_invalid_header_fields.enabled") === "true",
          tlsHeaders:
            attrs.get("routing.http.x_amzn_tls_version_and_cipher_suite.enabled") === "true"
              ? {
                  version: la.get("routing.http.request.x_amzn_tls_version.header_name")!.toLowerCase(),
                  cipher: la.get("routing.http.request.x_amzn_tls_cipher_suite.header_name")!.toLowerCase(),
                }
              : undefined,
          listenerPort: l.Port,
          protocol,
        },
        responseHeaders,
        server: la.get("routing.http.response.server.enabled") !== "false",
        desyncMode: attrs.get("routing.http.desync_mitigation_mode") as DesyncMode,
        clock: d.clock,
        ids: d.ids,
        log: d.log,
        counters,
      },
      d.groups,
      d.lambdas,
    );
  });

  // The handler's one catch point (conventions §4): any exception becomes ALB's 502 page for that
  // request, logged once with its stack; other requests and the process are unaffected.
  const fail = (res: ServerResponse, server: boolean, e: unknown): Outcome => {
    d.log.error(`load balancer ${lb.Name}: request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    try {
      sendAlbError(res, 502, { server });
    } catch {
      res.destroy();
    }
    return { status: 502, action: "forward" };
  };

  /**
   * The request's abort signal: the client closed or reset before the response was complete
   * (460, alb.md §8.1), or its body idled out (408, §9). Either way the target request is aborted,
   * so a half-sent upload never reaches the target as a complete request (issue 8 §9).
   */
  const watchClient = (req: IncomingMessage, res: ServerResponse, server: boolean): ClientWatch => {
    const ac: ClientWatch = new GoneSignal<ClientAbort>();
    const gone = () => {
      if (!res.writableFinished && !ac.aborted) ac.abort(new ClientAbort(460));
    };
    res.once("close", gone);
    req.once("aborted", gone);
    const socket = req.socket;
    watchRequestIdle(req, socket, idleTimeoutMs, d.clock, () => {
      if (ac.aborted) return;
      ac.abort(new ClientAbort(408));
      if (res.headersSent) return void res.destroy();
      // The rest of the body will not come: answer 408 and close the connection after it.
      res.shouldKeepAlive = false;
      sendAlbError(res, 408, { server });
      res.once("finish", () => (req.httpVersionMajor < 2 ? socket.destroy() : res.destroy()));
    });
    return ac;
  };

  const serve = (h: ListenerHandler, req: IncomingMessage, res: ServerResponse, gateway?: ConnectionInfo) => {
    const createdAt = d.clock.now();
    const started = performance.now();
    // Behind CloudFront (an origin door), the decisions join the viewer's trace (core/trace.ts).
    const scope = gateway?.trace ?? d.trace;
    let traceId = "";
    if (TRACE.request.channel.hasSubscribers || scope?.header === true) {
      traceId = traceIdOf(req.headers, gateway?.origin !== undefined, `${lb.Name}-${d.ids.hex32().slice(0, 16)}`);
      traceRequest(req, res, gateway, "elbv2", traceId, scope);
    }
    let conn: ConnectionFacts | undefined;
    let signal: ClientWatch | undefined;
    let priority = "-";
    let outcome: Outcome | Promise<Outcome>;
    try {
      // Socket facts are read now: after the response Node detaches the socket (issue 8 §1).
      conn = captureConnectionFacts(req, h.env.protocol);
      signal = watchClient(req, res, h.env.server);
      const r = h.handle(req, res, conn, signal, traceId);
      priority = r.priority;
      outcome = r.outcome;
    } catch (e) {
      outcome = fail(res, h.env.server, e);
    }
    const c = conn ?? { clientIp: "", clientPort: 0, type: h.env.protocol, sslCipher: "", sslProtocol: "", servername: "" };
    const sig = signal;
    const done = (o: Outcome) => record(h, req, res, c, o, priority, createdAt, started, sig);
    if (outcome instanceof Promise) outcome.then(done, (e: unknown) => done(fail(res, h.env.server, e)));
    else done(outcome);
  };

  const record = (
    h: ListenerHandler,
    req: IncomingMessage,
    res: ServerResponse,
    conn: ConnectionFacts,
    o: Outcome,
    priority: string,
    createdAt: number,
    started: number,
    signal: ClientWatch | undefined,
  ) => {
    const write = () => {
      try {
        // alb.md §8.1/§11: a client that closed before the response was complete is logged and
        // counted with 460, whatever the target answered. Choice: a response cut mid-body counts too.
        const reason = signal?.reason;
        const status = reason !== undefined ? reason.status : res.writableFinished ? o.status : 460;
        counters.add("RequestCount");
        if (status !== 460 && o.targetStatus !== undefined) counters.addTargetStatus(o.targetStatus);
        else counters.addElbStatus(status);
        if (o.classification) counters.add("DesyncMitigationMode_NonCompliant_Request_Count");
        const publish = ALB_REQUEST.hasSubscribers;
        if (!accessLogOn && !publish) return;
        const host = stripPort(req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "");
        const fields: AccessLogFields = {
          type: conn.type,
          time: d.clock.now(),
          elb: elbId,
          client: `${conn.clientIp || "-"}:${conn.clientPort}`,
          target: o.target ?? "",
          requestSeconds: 0,
          targetSeconds: o.targetSeconds ?? -1,
          responseSeconds: o.targetSeconds === undefined ? -1 : 0,
          elbStatus: status,
          targetStatus: o.targetStatus === undefined ? "" : String(o.targetStatus),
          receivedBytes: requestBytes(req),
          sentBytes: Number(res.getHeader("content-length") ?? 0),
          request: `${o.method ?? req.method} ${h.env.protocol}://${host}:${h.env.port}${req.url} HTTP/${req.httpVersion}`,
          userAgent: req.headers["user-agent"] ?? "",
          sslCipher: conn.sslCipher,
          sslProtocol: conn.sslProtocol,
          targetGroupArn: o.targetGroup?.arn ?? "",
          traceId: o.traceId ?? "",
          domainName: conn.servername,
          matchedRulePriority: priority,
          requestCreationTime: createdAt,
          actionsExecuted: o.action,
          redirectUrl: o.redirectUrl ?? "",
          errorReason: o.errorReason ?? "",
          classification: o.classification ?? "",
          classificationReason: o.classificationReason ?? "",
        };
        // The line is formatted only for a reader: the kept access log, or a subscriber that asks
        // (`--log-format cloudfront`); the default text log does not (issue 14: ~5 % of busy time).
        let line = accessLogOn ? formatAccessLogLine(fields) : undefined;
        if (line !== undefined) {
          if (accessLog.length >= ACCESS_LOG_CAP) accessLog.shift();
          accessLog.push(line);
        }
        if (publish)
          ALB_REQUEST.publish({
            time: d.clock.now(),
            loadBalancer: lb.Name,
            method: o.method ?? req.method ?? "",
            host,
            path: req.url ?? "",
            status,
            targetStatus: o.targetStatus,
            target: o.target ?? "-",
            targetGroup: o.targetGroup?.name ?? "-",
            ms: performance.now() - started,
            get accessLogLine() {
              return (line ??= formatAccessLogLine(fields));
            },
          });
      } catch (e) {
        // Observability must never end the process (helper rules): log once and go on.
        d.log.error(`load balancer ${lb.Name}: access log: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    };
    if (res.writableFinished || res.destroyed) write();
    else res.once("close", write);
  };

  const http2 = attrs.get("routing.http2.enabled") !== "false";
  const listeners: CompiledListener[] = lb.Listeners.map((l, i) => {
    const h = handlers[i]!;
    return {
      port: l.Port,
      protocol: l.Protocol,
      localPort: d.localPorts[String(l.Port)] ?? 0,
      http2,
      idleTimeoutMs,
      server: h.env.server,
      what: `load balancer ${lb.Name} listener ${l.Protocol}:${l.Port}`,
      handler: (req, res) => serve(h, req, res),
    };
  });

  // On the shared gateway ports a request takes the listener of its protocol, the standard port first.
  const pickFor = (protocol: "http" | "https") =>
    handlers.find((h) => h.env.protocol === protocol && h.env.port === (protocol === "http" ? 80 : 443)) ??
    handlers.find((h) => h.env.protocol === protocol) ??
    handlers[0];
  const forHttp = pickFor("http");
  const forHttps = pickFor("https");
  const hostPolicy = buildHostPolicy(
    {
      protocols: handlers.map((h) => h.env.protocol),
      http2,
      idleTimeoutMs,
      server: (forHttp ?? forHttps)?.env.server ?? true,
    },
    d.clock,
  );
  return {
    hostPolicy,
    name: lb.Name,
    id: d.id,
    listeners,
    gatewayHandler: (req, res, conn) => {
      const h = conn.protocol === "https" ? forHttps : forHttp;
      if (!h) return void sendAlbError(res, 503);
      serve(h, req, res, conn);
    },
  };
}
