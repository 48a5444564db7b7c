import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from "../../../core/account.js";
import type { Clock } from "../../../core/clock.js";
import { answerQuery, constraintViolation, queryInteger, queryRequired, queryString, QueryApiError } from "../../../core/query-api.js";
import type { ApiAnswer, ApiCall, ApiProtocol, StackApi } from "../../../core/service.js";
import { recordedRoleId, uniqueId } from "../../iam/index.js";
import { readSessionToken, sessionToken, type SessionIdentity } from "./session-token.js";

export const STS_API_PROTOCOL: ApiProtocol & { xmlns: string } = { kind: "query", xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", title: "STS" };

/** Every other action of the STS API (2011-06-15, the SDK model's operations): 501 NotImplemented naming it. */
const UNSERVED = new Set([
  "AssumeRoleWithSAML",
  "AssumeRoleWithWebIdentity",
  "AssumeRoot",
  "DecodeAuthorizationMessage",
  "GetDelegatedAccessToken",
  "GetFederationToken",
  "GetScopedCredentials",
  "GetWebIdentityToken",
]);

const ROOT = { Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`, UserId: LOCAL_ACCOUNT_ID };

/**
 * The STS Query API (2011-06-15) on the loopback endpoint. Every caller is the local account's
 * root (the one key pair the endpoint accepts, core/account.ts); temporary credentials are that
 * same key pair with a session token naming who they were issued to, so clients that assume a
 * role and sign on with the answer keep working. Nothing is enforced: AssumeRole does not read
 * the role's trust policy.
 *
 * Signing: the global endpoint (sts.amazonaws.com) is signed for us-east-1 and regional ones for
 * their region (AWS General Reference "AWS STS endpoints"); this endpoint accepts any region in
 * the scope, as it does for every service.
 */
export function answerSts(api: StackApi, clock: Clock): (call: ApiCall) => Promise<ApiAnswer> {
  const secretOf = (key: string) => LOCAL_CREDENTIALS.find((c) => c.accessKeyId === key)?.secretAccessKey ?? "";
  const credentials = (call: ApiCall, identity: Omit<SessionIdentity, "expires">, seconds: number) => {
    const expires = Math.floor(clock.now() / 1000) * 1000 + seconds * 1000;
    return {
      AccessKeyId: call.accessKeyId,
      SecretAccessKey: secretOf(call.accessKeyId),
      SessionToken: sessionToken({ ...identity, expires }),
      Expiration: new Date(expires),
    };
  };
  return answerQuery({
    protocol: STS_API_PROTOCOL,
    version: "2011-06-15",
    unserved: UNSERVED,
    operations: {
      GetCallerIdentity(_p, call) {
        const token = call.headers["x-amz-security-token"];
        const session = typeof token === "string" ? readSessionToken(token) : undefined;
        if (session && session.expires <= clock.now()) throw new QueryApiError("ExpiredToken", "The security token included in the request is expired");
        const who = session ?? ROOT;
        return { UserId: who.UserId, Account: LOCAL_ACCOUNT_ID, Arn: who.Arn };
      },
      GetSessionToken(p, call) {
        // 900 s – 36 h, default 12 h (GetSessionToken DurationSeconds).
        const seconds = queryInteger(p, "DurationSeconds", 900, 129600) ?? 43200;
        return { Credentials: credentials(call, ROOT, seconds) };
      },
      AssumeRole(p, call) {
        const roleArn = queryRequired(p, "RoleArn");
        if (roleArn.length < 20) throw constraintViolation("RoleArn", roleArn, "Member must have length greater than or equal to 20");
        const m = /^arn:aws:iam::(\d{12}):role\/(?:[!-~]*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
        if (!m) throw new QueryApiError("ValidationError", `${roleArn} is invalid`);
        const session = queryRequired(p, "RoleSessionName");
        if (session.length < 2 || session.length > 64 || !/^[\w+=,.@-]*$/.test(session))
          throw constraintViolation("RoleSessionName", session, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        // 900 s – 12 h, default 1 h (AssumeRole DurationSeconds; the role's MaxSessionDuration is not checked).
        const seconds = queryInteger(p, "DurationSeconds", 900, 43200) ?? 3600;
        const roleId = recordedRoleId(api, roleArn) ?? uniqueId("AROA", roleArn);
        const user = { Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${session}`, AssumedRoleId: `${roleId}:${session}` };
        const sourceIdentity = queryString(p, "SourceIdentity");
        return {
          Credentials: credentials(call, { Arn: user.Arn, UserId: user.AssumedRoleId }, seconds),
          AssumedRoleUser: user,
          ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
        };
      },
      GetAccessKeyInfo(p) {
        queryRequired(p, "AccessKeyId");
        return { Account: LOCAL_ACCOUNT_ID };
      },
    },
  });
}
