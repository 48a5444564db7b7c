import type { EdgeContext } from "../edge-context.js";

/**
 * A request stage either lets the request go on, or has put a response in `ctx.response` and
 * hands it to the response stages now. A response stage works on `ctx.response`.
 * Both are synchronous when they can be: a cache hit awaits nothing.
 */
export const CONTINUE = 0;
export const RESPOND = 1;
export type StageResult = typeof CONTINUE | typeof RESPOND;
export type Stage = (ctx: EdgeContext) => StageResult | Promise<StageResult>;
export type ResponseStage = (ctx: EdgeContext) => void | Promise<void>;
