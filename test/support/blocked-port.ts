import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";

/**
 * A loopback port whose SYNs go unanswered, like an origin behind a firewall that drops them or
 * with a full accept backlog: a listener with backlog 1 in a stopped child process, its queue
 * filled. Connections to it neither succeed nor get refused until close().
 */
export async function startBlockedPort(): Promise<{ port: number; close(): void }> {
  const child = spawn(
    process.execPath,
    ["-e", "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>console.log(s.address().port))"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
  });
  process.kill(child.pid!, "SIGSTOP");
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const s = connect(port, "127.0.0.1");
    s.on("error", () => {});
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 200));
  return {
    port,
    close() {
      for (const s of fillers) s.destroy();
      child.kill("SIGKILL");
    },
  };
}
