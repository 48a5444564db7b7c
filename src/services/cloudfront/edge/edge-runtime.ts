import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import type { Log } from "../../../core/log.js";
import type { LambdaRuntime } from "../../lambda/index.js";
import type { DistributionCache } from "../cache/index.js";
import type { FunctionMetrics } from "../functions/function-metrics.js";
import type { OriginPlan } from "../compile/plan.js";
import type { ViewerLocation } from "./viewer-location.js";
import type { OriginClient } from "./stages/60-origin-fetch/origin-client.js";

/** Long-lived resources the pipeline uses: connection pools per origin, time, ids. */
export interface EdgeRuntime {
  clock: Clock;
  ids: Ids;
  log: Log;
  originClient(origin: OriginPlan, scheme: "http" | "https"): OriginClient;
  /** Each distribution's cache, by distribution id (cloudfront.md §4). */
  caches: ReadonlyMap<string, DistributionCache>;
  /** The port viewers reach HTTPS on (for redirect-to-https Location). */
  httpsPort: number;
  /** CloudFront-Viewer-Country / -ASN of every viewer (cloudfront.md §7.4). */
  viewer: ViewerLocation;
  /** Where Lambda@Edge functions run (the shared Lambda runtime, worker threads); absent when no behaviour associates one. */
  lambda?: LambdaRuntime;
  /** CloudFront Functions' CloudWatch metrics, by function name (cloudfront.md §16.2); they outlive revisions. */
  functionMetrics: FunctionMetrics;
}
