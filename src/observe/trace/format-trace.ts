import type { TraceRequestEvent } from "../../core/trace.js";
import type { RequestTrace } from "./request-trace.js";

/**
 * A trace as a readable block (`edgeparity up --trace`): the viewer's request and its answer, then
 * one line per decision, labelled by the service that made it, with its details indented below.
 *
 * ```
 * trace 5uA3…== GET https://d1234.cloudfront.localhost/index.html → 403 (4.1 ms)
 *   cloudfront behavior   default (*) for /index.html; /api/* does not match
 *   s3         authorization  implicit deny: private object, no policy grants cloudfront.amazonaws.com
 * ```
 */
export function formatTrace(t: RequestTrace): string {
  const r = t.request;
  const lines = [`trace ${t.id} ${describe(r)}`];
  for (const e of t.events) {
    if (e === r) continue;
    const label = `${e.service.padEnd(10)} ${e.kind.padEnd(13)}`;
    lines.push(`  ${label} ${e.kind === "request" ? describe(e as TraceRequestEvent) : e.message}`);
    for (const d of e.details ?? []) lines.push(`  ${" ".repeat(label.length)}   ${d}`);
  }
  return `${lines.join("\n")}\n`;
}

function describe(r: TraceRequestEvent): string {
  return `${r.method} ${r.url} → ${r.status === 0 ? "no response (client gone)" : r.status} (${r.ms.toFixed(1)} ms)${r.message ? ` ${r.message}` : ""}`;
}
