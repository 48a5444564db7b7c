import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * nginx as the benchmarks' proxy_cache anchor, tuned fairly: one worker, sendfile, open_file_cache,
 * the cache in a folder its worker owns; `tcp_nopush off`, or on loopback 100 KiB answers stall
 * 44 ms each (issue 14). Writes `<dir>/nginx.conf` and returns its path.
 */
export function writeNginxConf(dir: string, port: number, originPort: number): string {
  mkdirSync(join(dir, "cache"), { recursive: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  const file = join(dir, "nginx.conf");
  writeFileSync(
    file,
    `worker_processes 1;
${process.getuid?.() === 0 ? "user root;" : ""}
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush off;
  tcp_nodelay on;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=edge:10m max_size=1g inactive=60m use_temp_path=off;
  upstream origin { server 127.0.0.1:${originPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      proxy_cache_valid 200 1h;
      add_header X-Cache-Status $upstream_cache_status;
    }
  }
}
`,
  );
  return file;
}
