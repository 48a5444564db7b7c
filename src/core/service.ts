import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * What a running service gives the gateway: the hosts it answers for and a handler per host.
 * HTTP/2 requests arrive through Node's compatibility API, which has the same surface.
 */
export interface ConnectionInfo {
  protocol: "http" | "https";
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => void;

export interface RunningService {
  /** Lower-case host name (no port) → handler. */
  readonly routes: ReadonlyMap<string, HttpHandler>;
  close(): Promise<void>;
}
