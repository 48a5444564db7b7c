import { Agent } from "undici";

/** An undici Agent that sends every host name to 127.0.0.1 (no DNS), optionally trusting a CA. */
export function loopbackAgent(ca?: string): Agent {
  return new Agent({
    connect: {
      ...(ca ? { ca } : {}),
      lookup: (_hostname, opts, cb) => {
        if ((opts as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
        else (cb as (e: null, a: string, f: number) => void)(null, "127.0.0.1", 4);
      },
    },
  });
}
