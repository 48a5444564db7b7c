import type { IncomingMessage, ServerResponse } from "node:http";
import type { Log } from "../../../core/log.js";
import { startListenerServer, type ListenerServer, type ListenerSettings } from "./listener-server.js";

/**
 * The listeners' own local ports across revisions (issue 9: listening ports survive). A listener
 * is a slot named by its load balancer and configured Port. A revision that keeps the slot's
 * requested local port and its server shape (protocol, HTTP/2) keeps the server and its open
 * connections; only the request handler behind it is switched, so new requests take the new rules
 * while requests already matched finish on theirs. Other listeners get a new server: on a free port
 * first, then on ports an outgoing slot holds (that slot stops accepting first). `prepare` does every
 * fallible step and can be undone; `commit` cannot fail.
 */
export interface ListenerSpec extends ListenerSettings {
  /** `<load balancer>\0<Port>`. */
  key: string;
  protocol: "http" | "https";
  /** Requested local port; 0 = any free port. */
  localPort: number;
  http2: boolean;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

interface Slot {
  spec: ListenerSpec;
  server: ListenerServer;
  serve: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface PreparedListeners {
  /** Slot key → the local port it listens on. */
  ports: ReadonlyMap<string, number>;
  /** Switches every listener to the new handlers; returns the servers to close once their requests are done. */
  commit(): ListenerServer[];
  /** Closes the servers `prepare` started and lets paused ones accept again. */
  rollback(): Promise<void>;
}

export class ListenerSlots {
  #slots = new Map<string, Slot>();

  constructor(
    private readonly host: string,
    private readonly log: Log,
    private readonly now: () => number,
  ) {}

  async prepare(specs: readonly ListenerSpec[]): Promise<PreparedListeners> {
    const kept = new Map<string, Slot>();
    const fresh: ListenerSpec[] = [];
    for (const spec of specs) {
      const old = this.#slots.get(spec.key);
      if (old && old.spec.localPort === spec.localPort && old.spec.protocol === spec.protocol && old.spec.http2 === spec.http2) kept.set(spec.key, old);
      else fresh.push(spec);
    }
    const outgoing = [...this.#slots.values()].filter((s) => kept.get(s.spec.key) !== s);
    const started = new Map<string, Slot>();
    const paused: Slot[] = [];
    const rollback = async () => {
      await Promise.all([...started.values()].map((s) => s.server.close()));
      for (const s of paused)
        await s.server
          .resume()
          .catch((e: unknown) => this.log.error(`${s.spec.what}: could not listen again after a failed revision: ${(e as Error).message}`));
    };
    // A port an outgoing slot holds can only be taken after it stops accepting: those come last,
    // so a revision that fails on a free port never paused anything.
    const holder = (spec: ListenerSpec) => (spec.localPort > 0 ? outgoing.find((s) => s.server.port === spec.localPort) : undefined);
    const order = [...fresh.filter((s) => !holder(s)), ...fresh.filter((s) => holder(s))];
    try {
      for (const spec of order) {
        const h = holder(spec);
        if (h && !paused.includes(h)) {
          h.server.pause();
          paused.push(h);
        }
        started.set(spec.key, await this.#start(spec));
      }
    } catch (e) {
      await rollback();
      throw e;
    }
    const ports = new Map<string, number>();
    for (const spec of specs) ports.set(spec.key, (kept.get(spec.key) ?? started.get(spec.key))!.server.port);
    return {
      ports,
      rollback,
      commit: () => {
        const next = new Map<string, Slot>();
        for (const spec of specs) {
          const slot = kept.get(spec.key);
          if (slot) {
            slot.server.update({ idleTimeoutMs: spec.idleTimeoutMs, tls: spec.tls, server: spec.server, what: spec.what });
            slot.spec = spec;
            slot.serve = spec.handler;
            next.set(spec.key, slot);
          } else next.set(spec.key, started.get(spec.key)!);
        }
        this.#slots = next;
        // Removed listeners accept nothing more; their open connections end when they are closed.
        for (const s of outgoing) s.server.pause();
        return outgoing.map((s) => s.server);
      },
    };
  }

  async #start(spec: ListenerSpec): Promise<Slot> {
    const slot: Slot = { spec, server: undefined as unknown as ListenerServer, serve: spec.handler };
    slot.server = await startListenerServer({
      protocol: spec.protocol,
      host: this.host,
      port: spec.localPort,
      http2: spec.http2,
      idleTimeoutMs: spec.idleTimeoutMs,
      tls: spec.tls,
      server: spec.server,
      what: spec.what,
      // The handler of the revision being served, read per request.
      handler: (req, res) => slot.serve(req, res),
      now: this.now,
    });
    return slot;
  }

  /** Closes every listener now. */
  async close(): Promise<void> {
    const all = [...this.#slots.values()];
    this.#slots = new Map();
    await Promise.all(all.map((s) => s.server.close()));
  }
}
