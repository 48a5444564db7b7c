import type { ServerResponse } from "node:http";
import type { ApiProtocol } from "../core/service.js";

/**
 * An AWS error as a service's protocol writes it (AWS "Common Errors" and each protocol's error
 * shape): REST-XML and Query `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`
 * in the service's namespace, EC2's `<Response><Errors>`, JSON's `__type` + `x-amzn-ErrorType`.
 */
export function writeProtocolError(
  res: ServerResponse,
  protocol: ApiProtocol,
  e: { status: number; code: string; message: string; type?: "Sender" | "Receiver" },
  requestId: string,
): void {
  if (res.headersSent) return void res.destroy();
  const type = e.type ?? (e.status >= 500 ? "Receiver" : "Sender");
  let contentType = "text/xml";
  let body: string;
  if (protocol.kind === "rest-xml")
    body = `<?xml version="1.0"?>\n<ErrorResponse xmlns="${protocol.xmlns}"><Error><Type>${type}</Type><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  else if (protocol.kind === "query")
    body = `<ErrorResponse xmlns="${protocol.xmlns}"><Error><Type>${type}</Type><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  else if (protocol.kind === "ec2")
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  else {
    contentType = "application/json";
    body = JSON.stringify({ __type: e.code, message: e.message });
  }
  res.writeHead(e.status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": requestId,
    ...(protocol.kind === "json" ? { "x-amzn-errortype": e.code } : {}),
  });
  res.end(body);
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
