import { createRequire } from "node:module";
import type * as Undici from "undici";

/**
 * The parts of undici the data plane uses (connection pools to origins and targets), loaded from
 * their own files. undici's index loads all of it (fetch, WebSocket, caches, mocks, proxies):
 * about 3× the start-up time of the pool alone (issue 14: cold start). These are the very modules
 * the index re-exports, so classes and `instanceof` checks are the same; the index's one side
 * effect the pools need, the request API on Dispatcher.prototype, is installed here as it does.
 */
const require = createRequire(import.meta.url);
const Dispatcher = require("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
Object.assign(Dispatcher.prototype, require("undici/lib/api/index.js") as object);

export const Pool = require("undici/lib/dispatcher/pool.js") as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const buildConnector = require("undici/lib/core/connect.js") as typeof Undici.buildConnector;
export const undiciErrors = require("undici/lib/core/errors.js") as typeof Undici.errors;
export const parseHeaders = (require("undici/lib/core/util.js") as typeof Undici.util).parseHeaders;

/** The whole package (fetch, Agent), for the programmatic API only, on first use. */
export function loadUndici(): typeof Undici {
  return require("undici") as typeof Undici;
}
