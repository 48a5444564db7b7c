import { createSecureContext, type SecureContext } from "node:tls";
import { isCoveredBy } from "../core/certificate-name.js";
import type { LiveService } from "../core/service.js";
import type { LocalCa } from "../gateway/local-ca.js";

/**
 * ACM certificates between services (issue 11 "ACM certificates … usable as ViewerCertificate /
 * listener Certificates"): the service that keeps a certificate (ACM) says which names an ARN
 * covers; the services whose resources name one (CloudFront aliases, ELBv2 listeners) say who
 * uses it and for which hosts. An SNI name served with an ACM certificate gets a local-CA
 * certificate for exactly that certificate's names, so a client sees the names it requested in
 * ACM (a wildcard included), as CloudFront serves the attached certificate.
 */
export function acmCertificates(live: ReadonlyMap<string, LiveService<unknown>>, ca: LocalCa) {
  const contexts = new Map<string, Promise<SecureContext>>();
  const names = (arn: string): readonly string[] | undefined => {
    for (const s of live.values()) {
      const n = s.certificateNames?.(arn);
      if (n !== undefined) return n;
    }
    return undefined;
  };
  const uses = () => [...live.values()].flatMap((s) => s.certificateUsers?.() ?? []);
  return {
    names,
    users: (arn: string): string[] => [...new Set(uses().flatMap((u) => (u.certificateArn === arn ? [u.user] : [])))],
    /** The context for an SNI name a resource serves with a known ACM certificate, else undefined (the CA's per-host certificate). */
    contextFor(servername: string): Promise<SecureContext> | undefined {
      const host = servername.toLowerCase().replace(/\.$/, "");
      const use = uses().find((u) => u.hosts.some((h) => isCoveredBy(host, h)));
      const acm = use && names(use.certificateArn);
      if (!acm || acm.length === 0) return undefined;
      const covered = use.alsoCoversHosts ? [...new Set([...acm, ...use.hosts])] : acm;
      const key = [...covered].sort().join(",");
      let ctx = contexts.get(key);
      if (!ctx) {
        ctx = ca.certificateForHosts(covered).then((c) => createSecureContext({ key: c.keyPem, cert: c.certPem }));
        contexts.set(key, ctx);
        ctx.catch(() => contexts.delete(key));
      }
      return ctx;
    },
  };
}
