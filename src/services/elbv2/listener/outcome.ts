import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import type { Log } from "../../../core/log.js";
import type { Counters } from "../metrics.js";
import type { TargetGroupRuntime } from "../target-group/target-group.js";
import type { DesyncMode } from "./desync.js";
import type { ForwardHeaderSettings } from "./forward-headers.js";

/** What one request came to, for metrics and the access log (alb.md §11, §12). */
export interface Outcome {
  /** elb_status_code; 460 when the client left first. */
  status: number;
  targetStatus?: number;
  /** `ip:port`; undefined when no target was chosen or the target is a Lambda. */
  target?: string;
  targetGroup?: TargetGroupRuntime;
  /** `actions_executed`: forward, redirect, fixed-response. */
  action: "forward" | "redirect" | "fixed-response";
  redirectUrl?: string;
  errorReason?: string;
  /** The X-Amzn-Trace-Id sent to the target (access-log trace_id). */
  traceId?: string;
  /** target_processing_time in seconds. */
  targetSeconds?: number;
  /** The request's method as the client sent it, when the listener had to carry it past the parser (§2.1). */
  method?: string;
  /** Desync mitigation (alb.md §9): access-log `classification` / `classification_reason`. */
  classification?: "Acceptable" | "Ambiguous" | "Severe";
  classificationReason?: string;
}

/** Everything a listener's actions need, fixed at start. */
export interface ListenerEnv {
  loadBalancer: string;
  /** `app/<name>/<id>` (access-log `elb`, metric dimension LoadBalancer). */
  loadBalancerId: string;
  port: number;
  protocol: "http" | "https";
  forward: ForwardHeaderSettings;
  /** Listener response-header attributes (alb.md §7.6), added to every response. */
  responseHeaders: Readonly<Record<string, string>>;
  server: boolean;
  /** routing.http.desync_mitigation_mode (alb.md §9). */
  desyncMode: DesyncMode;
  clock: Clock;
  ids: Ids;
  log: Log;
  counters: Counters;
}
