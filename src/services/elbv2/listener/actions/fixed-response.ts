import type { ServerResponse } from "node:http";
import type { Action } from "../../schema/load-balancer.js";
import type { ListenerEnv, Outcome } from "../outcome.js";

/**
 * fixed-response (alb.md §3.3): status, body and headers are built once at start.
 * Choice: `; charset=utf-8` is appended to the Content-Type (UNCONFIRMED), text/plain when none is set.
 */
export function compileFixedResponse(a: Action, env: ListenerEnv): (res: ServerResponse) => Outcome {
  const c = a.FixedResponseConfig!;
  const status = Number(c.StatusCode);
  const body = Buffer.from(c.MessageBody ?? "");
  const headers: Record<string, string | number> = {
    ...env.responseHeaders,
    "content-type": `${c.ContentType ?? "text/plain"}; charset=utf-8`,
    "content-length": body.length,
  };
  if (env.server) headers["server"] = "awselb/2.0";
  const outcome: Outcome = { status, action: "fixed-response" };
  return (res) => {
    res.writeHead(status, headers);
    res.end(res.req.method === "HEAD" ? undefined : body);
    env.counters.add("HTTP_Fixed_Response_Count");
    return outcome;
  };
}
