import { apiOnlyService } from "../../core/api-only-service.js";
import { answerIam, IAM_API_PROTOCOL } from "./api/handler.js";
import { iamDeps } from "./api/iam-state.js";

/**
 * IAM as the engine runs it: only its API (signing name `iam`; IAM is global, so clients sign for
 * us-east-1 and the endpoint accepts any region in the scope). Its records live in the API state,
 * not the stack: they change nothing served and are not written by `edgeparity export`.
 */
export const IAM_SERVICE = apiOnlyService("iam", (ctx) => ({
  controlPlane: { signingName: "iam", protocol: IAM_API_PROTOCOL, answer: answerIam(iamDeps(ctx.stackApi, ctx.clock, ctx.ids)) },
}));
