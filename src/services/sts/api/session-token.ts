/**
 * The session tokens STS hands out here carry who they were issued to, so GetCallerIdentity can
 * answer as AWS does for temporary credentials (the assumed role's ARN). Not a secret and not
 * checked by the SigV4 verifier: nothing is enforced (issue 11). AWS's tokens are opaque base64;
 * so are these, behind a prefix that tells them apart from any other token a client sends.
 */
export interface SessionIdentity {
  Arn: string;
  UserId: string;
  /** Expiration, ms since the epoch. */
  expires: number;
}

const PREFIX = "EPLOCAL";

export function sessionToken(identity: SessionIdentity): string {
  return `${PREFIX}${Buffer.from(JSON.stringify(identity)).toString("base64")}`;
}

/** The identity in one of our tokens; undefined for any other token. */
export function readSessionToken(token: string): SessionIdentity | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token.slice(PREFIX.length), "base64").toString("utf8")) as Partial<SessionIdentity>;
    return typeof v.Arn === "string" && typeof v.UserId === "string" && typeof v.expires === "number" ? (v as SessionIdentity) : undefined;
  } catch {
    return undefined;
  }
}
