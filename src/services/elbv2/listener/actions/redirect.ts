import type { ServerResponse } from "node:http";
import { sendAlbError } from "../../errors.js";
import type { Action } from "../../schema/load-balancer.js";
import type { RequestFacts } from "../../compile/compile-rules.js";
import type { ListenerEnv, Outcome } from "../outcome.js";

/**
 * redirect (alb.md §3.2). Each component keeps its original value unless configured; keywords
 * are substituted only where AWS allows them; `#{path}` has no leading `/`; Location always
 * carries an explicit port [OBS]. The template is split into parts once at start.
 */
const KEYWORD = /#\{(protocol|host|port|path|query)\}/g;
const MAX_LOCATION = 8192;

function compileTemplate(value: string, allowed: readonly string[]): (string | { kw: string })[] {
  const out: (string | { kw: string })[] = [];
  let last = 0;
  for (const m of value.matchAll(KEYWORD)) {
    if (!allowed.includes(m[1]!)) continue;
    if (m.index > last) out.push(value.slice(last, m.index));
    out.push({ kw: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < value.length) out.push(value.slice(last));
  return out;
}

export function compileRedirect(a: Action, env: ListenerEnv): (res: ServerResponse, f: RequestFacts) => Outcome {
  const c = a.RedirectConfig!;
  const status = c.StatusCode === "HTTP_301" ? 301 : 302;
  const protocol = compileTemplate(c.Protocol ?? "#{protocol}", ["protocol"]);
  const host = compileTemplate(c.Host ?? "#{host}", ["host"]);
  const port = compileTemplate(c.Port ?? "#{port}", ["port"]);
  const path = compileTemplate(c.Path ?? "/#{path}", ["host", "path", "port"]);
  const query = compileTemplate(c.Query ?? "#{query}", ["protocol", "host", "port", "path", "query"]);
  const render = (t: (string | { kw: string })[], vals: Record<string, string>) => {
    let s = "";
    for (const p of t) s += typeof p === "string" ? p : vals[p.kw];
    return s;
  };
  return (res, f) => {
    const vals = { protocol: env.protocol, host: f.host, port: String(env.port), path: f.path.slice(1), query: f.query };
    const q = render(query, vals);
    const location = `${render(protocol, vals).toLowerCase()}://${render(host, vals)}:${render(port, vals)}${render(path, vals)}${q ? `?${q}` : ""}`;
    if (location.length > MAX_LOCATION) {
      // Choice: alb.md §3.2 — the client status for an oversized Location is UNCONFIRMED; 500.
      env.counters.add("HTTP_Redirect_Url_Limit_Exceeded_Count");
      sendAlbError(res, 500, { server: env.server, headers: env.responseHeaders });
      return { status: 500, action: "redirect" };
    }
    env.counters.add("HTTP_Redirect_Count");
    sendAlbError(res, status, { server: env.server, headers: { ...env.responseHeaders, location } });
    return { status, action: "redirect", redirectUrl: location };
  };
}
