/**
 * Options for every accepting `net`/`tls` server whose sockets are handed to Node's HTTP servers
 * with `emit("connection")`: `http.createServer` turns Nagle's algorithm off only on sockets it
 * accepts itself, so without this a response written in two pieces (head, then body) waited for
 * the peer's delayed ACK — 40 ms per ALB answer on loopback (issue 14). Packet timing only: the
 * bytes on the wire are the same.
 */
export const NO_DELAY = Object.freeze({ noDelay: true });
