// The demo API: a plain node:http server on env PORT, as an ALB target would be.
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8080);
let count = 0;

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/api/health") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end('{"ok":true}');
  }
  if (url.pathname === "/api/hello") {
    count += 1;
    const body = JSON.stringify({
      message: "Hello from the API behind the ALB",
      count,
      method: req.method,
      path: req.url,
      seen: {
        host: req.headers.host,
        "x-forwarded-for": req.headers["x-forwarded-for"],
        "x-forwarded-proto": req.headers["x-forwarded-proto"],
        "x-amz-cf-id": req.headers["x-amz-cf-id"],
        "x-amzn-trace-id": req.headers["x-amzn-trace-id"],
        via: req.headers.via,
      },
    });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    return res.end(body);
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "not found", path: url.pathname }));
}).listen(port, "127.0.0.1");
