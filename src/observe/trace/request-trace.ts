import { TRACE, type TraceEvent, type TraceRequestEvent, type TraceScope } from "../../core/trace.js";

/**
 * Assembles the decision events of the trace channels into one trace per request (issue 15): events
 * are grouped by trace id, and the viewer-facing service's `request` event closes the trace. Origin
 * requests (S3, ALB, API behind CloudFront) end before the viewer's response does, so their
 * decisions are already there; one that arrives later is still added to its finished trace.
 */
export interface RequestTrace {
  /** The trace id: the X-Amz-Cf-Id of a CloudFront request, else the answering service's request id. */
  id: string;
  /** The viewer-facing request: method, URL, status, duration. */
  request: TraceRequestEvent;
  /** Every decision in the order made (origin requests' own `request` events included). */
  events: TraceEvent[];
}

export interface TraceCollector {
  /** A finished trace by id (the `X-Edgeparity-Trace` header, X-Amz-Cf-Id, x-amz-request-id). */
  get(id: string): RequestTrace | undefined;
  /** The most recently finished trace of this stack. */
  last(): RequestTrace | undefined;
  close(): void;
}

/** Open traces kept before the oldest is dropped (a request that never ends must not grow memory). */
const OPEN_CAP = 1024;

export function collectTraces(o: { scope: TraceScope; capacity?: number; onTrace?: (t: RequestTrace) => void }): TraceCollector {
  const capacity = o.capacity ?? 200;
  const open = new Map<string, TraceEvent[]>();
  const done = new Map<string, RequestTrace>();
  let last: RequestTrace | undefined;
  const onEvent = (m: unknown) => {
    const e = m as TraceEvent;
    const finished = done.get(e.traceId);
    if (finished) return void finished.events.push(e);
    let list = open.get(e.traceId);
    if (!list) {
      if (open.size >= OPEN_CAP) open.delete(open.keys().next().value!);
      open.set(e.traceId, (list = []));
    }
    list.push(e);
    const r = e as TraceRequestEvent;
    if (e.kind !== "request" || !r.root) return;
    open.delete(e.traceId);
    // Another stack in this process: its requests are not this stack's traces.
    if (r.scope !== o.scope) return;
    const trace: RequestTrace = { id: e.traceId, request: r, events: list };
    if (done.size >= capacity) done.delete(done.keys().next().value!);
    done.set(trace.id, trace);
    last = trace;
    o.onTrace?.(trace);
  };
  const channels = Object.values(TRACE).map((t) => t.channel);
  for (const c of channels) c.subscribe(onEvent);
  return {
    get: (id) => done.get(id),
    last: () => last,
    close() {
      for (const c of channels) c.unsubscribe(onEvent);
      open.clear();
    },
  };
}
