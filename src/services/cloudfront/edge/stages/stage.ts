import type { EdgeContext } from "../edge-context.js";

/** A stage either lets the request go on, or has put a response in `ctx.response` and asks to respond now. */
export const CONTINUE = 0;
export const RESPOND = 1;
export type StageResult = typeof CONTINUE | typeof RESPOND;
export type Stage = (ctx: EdgeContext) => StageResult | Promise<StageResult>;
