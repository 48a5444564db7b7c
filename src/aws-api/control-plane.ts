import type { IncomingMessage, ServerResponse } from "node:http";
import { LOCAL_CREDENTIALS } from "../core/account.js";
import type { Clock } from "../core/clock.js";
import type { Log } from "../core/log.js";
import type { ApiCall, ApiProtocol, ConnectionInfo, ControlPlane, HttpHandler } from "../core/service.js";
import { ApiSignatureVerifier } from "../core/sigv4.js";
import { signingService } from "./endpoint.js";
import { answerNotImplemented, notImplementedError, notImplementedOperation } from "./not-implemented.js";
import { writeProtocolError } from "./protocol-error.js";

/**
 * The AWS API endpoint on the loopback names (`localhost`, `127.0.0.1`). Steps: the service from
 * the SigV4 scope → a raw handler (S3) gets the request as is; an `answer` service gets it after
 * the body is read (bounded) and the signature verified against the local credentials, a bad one
 * answered in the service's protocol → the answer is written. A service no running service
 * declares answers its own protocol's NotImplemented error naming the operation.
 */
export interface ControlPlaneDeps {
  requestId: () => string;
  clock: Clock;
  log: Log;
}

/** AWS API request bodies are small (a DistributionConfig is well under 1 MiB); larger is refused unread. */
const MAX_API_BODY = 10 * 1024 * 1024;
const verifier = new ApiSignatureVerifier(LOCAL_CREDENTIALS);

export function controlPlaneHandler(planes: ReadonlyMap<string, ControlPlane>, deps: ControlPlaneDeps): HttpHandler {
  return (req, res, conn) => {
    const service = signingService(req);
    const plane = planes.get(service);
    if (!plane) return answerNotImplemented(service, req, res, deps.requestId());
    if ("handler" in plane) return plane.handler(req, res, conn);
    const requestId = deps.requestId();
    void answerCall(plane, req, res, conn, requestId, deps).catch((e: unknown) => {
      // The one catch point of an API call: a crash is the protocol's InternalFailure, never the process's end.
      deps.log.error(`${service} API: request ${requestId} failed inside edgeparity: ${(e as Error).stack ?? e}`);
      writeProtocolError(
        res,
        plane.protocol,
        { status: 500, code: "InternalFailure", message: "We encountered an internal error. Please try again." },
        requestId,
      );
    });
  };
}

async function answerCall(
  plane: Extract<ControlPlane, { answer: unknown }>,
  req: IncomingMessage,
  res: ServerResponse,
  conn: ConnectionInfo,
  requestId: string,
  deps: ControlPlaneDeps,
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined)
    return writeProtocolError(
      res,
      plane.protocol,
      { status: 413, code: "RequestEntityTooLarge", message: `The request body exceeds ${MAX_API_BODY} bytes.` },
      requestId,
    );
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : url.slice(q + 1));
  const verdict = await verifier.verify({ method: req.method ?? "GET", rawPath, query, headers: req.headers, body, now: deps.clock.now() });
  if (!verdict.ok) return writeProtocolError(res, plane.protocol, signatureErrorIn(plane.protocol, verdict), requestId);
  const call: ApiCall = {
    method: req.method ?? "GET",
    path: rawPath,
    query,
    headers: req.headers,
    body,
    requestId,
    accessKeyId: verdict.accessKeyId,
    endpoint: `${conn.protocol}://${req.headers.host ?? "localhost"}`,
  };
  const answer = await plane.answer(call);
  if (answer === undefined) {
    const operation = notImplementedOperation(plane.signingName, { method: call.method, url: req.url, headers: req.headers });
    return writeProtocolError(res, plane.protocol, notImplementedError(plane.protocol, operation), requestId);
  }
  const payload = answer.body === undefined ? undefined : typeof answer.body === "string" ? Buffer.from(answer.body) : answer.body;
  res.writeHead(answer.status, {
    "x-amzn-requestid": requestId,
    ...(payload ? { "content-length": String(payload.length) } : { "content-length": "0" }),
    ...answer.headers,
  });
  res.end(payload);
}

/**
 * The JSON protocols (awsJson, restJson1: Lambda, ACM, CloudFront KeyValueStore) name the shared
 * authentication failures with their `…Exception` codes (AWS common errors: InvalidSignatureException,
 * UnrecognizedClientException, IncompleteSignatureException, MissingAuthenticationTokenException);
 * REST-XML and Query keep SignatureDoesNotMatch / InvalidClientTokenId.
 */
const JSON_SIGNATURE_CODES: Record<string, string> = {
  SignatureDoesNotMatch: "InvalidSignatureException",
  InvalidClientTokenId: "UnrecognizedClientException",
  IncompleteSignature: "IncompleteSignatureException",
  MissingAuthenticationToken: "MissingAuthenticationTokenException",
};

function signatureErrorIn(protocol: ApiProtocol, e: { status: number; code: string; message: string }): { status: number; code: string; message: string } {
  if (protocol.kind !== "json") return e;
  return { ...e, code: JSON_SIGNATURE_CODES[e.code] ?? e.code };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_API_BODY) {
      req.resume();
      return undefined;
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
