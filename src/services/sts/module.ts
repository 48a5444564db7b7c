import { apiOnlyService } from "../../core/api-only-service.js";
import { answerSts, STS_API_PROTOCOL } from "./api/handler.js";

/** STS as the engine runs it: only its API (signing name `sts`), answering for the local account. */
export const STS_SERVICE = apiOnlyService("sts", (ctx) => ({
  controlPlane: { signingName: "sts", protocol: STS_API_PROTOCOL, answer: answerSts(ctx.stackApi, ctx.clock) },
}));
