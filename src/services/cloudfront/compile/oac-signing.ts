import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import type { Log } from "../../../core/log.js";
import type { SigningPrincipal } from "../../../core/service.js";
import { listItems } from "../../../model/aws-list.js";
import type { Stack } from "../../../model/stack.js";
import type { DistributionNames } from "./distribution-names.js";

/**
 * OAC (cloudfront.md §10.4, s3.md §8): each distribution whose S3 origin names an
 * OriginAccessControlId gets a local key for the `cloudfront.amazonaws.com` service principal,
 * known to S3 with `aws:SourceArn` = the distribution's ARN (in the local account, core/account.ts),
 * so bucket policies can require it.
 */

interface OacSigningOut {
  signingBehavior: "always" | "never" | "no-override";
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface OacCredentials {
  credentials: SigningPrincipal[];
  /** The signing settings for one origin of one distribution, or {} when it is not signed. */
  signing(distribution: string, originId: string): { oac?: OacSigningOut };
}

/**
 * `secretFor(distributionId)` gives the key's secret: the same for a distribution across revisions
 * of one process, so requests signed by a revision still draining verify against the next one.
 */
export function mintOacCredentials(
  stack: Stack,
  distributions: readonly DistributionNames[],
  secretFor: (distributionId: string) => string,
  region: string,
  log: Log,
): OacCredentials {
  const credentials: SigningPrincipal[] = [];
  const byOrigin = new Map<string, OacSigningOut>();
  for (const d of distributions) {
    const dc = stack.distributions[d.name]!;
    let key: SigningPrincipal | undefined;
    listItems(dc.Origins).forEach((o, i) => {
      if (!o.OriginAccessControlId) return;
      const declared = stack.originAccessControls[o.OriginAccessControlId];
      if (!declared)
        log.warn(
          `distributions.${d.name}.Origins.Items[${i}].OriginAccessControlId: '${o.OriginAccessControlId}' is not declared under originAccessControls; signing with SigningBehavior always`,
        );
      if (!key) {
        key = {
          accessKeyId: `ASIACLOUDFRONT${d.id.slice(1)}`,
          secretAccessKey: secretFor(d.id),
          principal: { service: "cloudfront.amazonaws.com", sourceArn: `arn:aws:cloudfront::${LOCAL_ACCOUNT_ID}:distribution/${d.id}` },
        };
        credentials.push(key);
      }
      byOrigin.set(`${d.name}\u0000${o.Id}`, {
        signingBehavior: declared?.SigningBehavior ?? "always",
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        region,
      });
    });
  }
  return {
    credentials,
    signing(distribution, originId) {
      const s = byOrigin.get(`${distribution}\u0000${originId}`);
      return s ? { oac: s } : {};
    },
  };
}
