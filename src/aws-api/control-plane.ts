import type { HttpHandler } from "../core/service.js";
import { signingService } from "./endpoint.js";
import { answerNotImplemented } from "./not-implemented.js";

/**
 * The AWS API endpoint on the loopback names (`localhost`, `127.0.0.1`): one handler per signing
 * name that a service implements (S3's path-style REST today); every other service answers its
 * own protocol's NotImplemented error naming the operation.
 */
export function controlPlaneHandler(handlers: ReadonlyMap<string, HttpHandler>, requestId: () => string): HttpHandler {
  return (req, res, conn) => {
    const service = signingService(req);
    const handler = handlers.get(service);
    if (handler) return handler(req, res, conn);
    answerNotImplemented(service, req, res, requestId());
  };
}
