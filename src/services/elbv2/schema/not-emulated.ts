import { LISTENER_ATTRIBUTES, LOAD_BALANCER_ATTRIBUTES, TARGET_GROUP_ATTRIBUTES, type AttributeSpec } from "./attributes.js";
import type { LoadBalancer, TargetGroup } from "./load-balancer.js";

/**
 * ELBv2 settings that are accepted but not (fully) applied. Each produces a load-time warning naming
 * its path, so no setting is silently ignored (docs/fidelity.md §ALB lists the same rows).
 */
export interface NotEmulated {
  path: (string | number)[];
  message: string;
}

export function findNotEmulatedElbv2(lbs: readonly LoadBalancer[], tgs: readonly TargetGroup[]): NotEmulated[] {
  const out: NotEmulated[] = [];
  const add = (path: (string | number)[], message: string) => out.push({ path, message });
  const attrs = (list: readonly { Key: string }[], table: Readonly<Record<string, AttributeSpec>>, p: (string | number)[]) =>
    list.forEach((a, i) => {
      const s = table[a.Key];
      if (s && s.emulated !== true) add([...p, i], `${a.Key}: ${s.emulated}`);
    });

  lbs.forEach((lb, i) => {
    const p = ["loadBalancers", i];
    if (lb.Scheme !== undefined) add([...p, "Scheme"], "no local effect: every load balancer listens on loopback");
    if (lb.IpAddressType !== undefined && lb.IpAddressType !== "ipv4")
      add([...p, "IpAddressType"], "not emulated: listeners bind the configured local address only");
    // Subnets / SubnetMappings are required inputs of an ALB: their local meaning (none) is said once
    // in docs/fidelity.md, not warned on every start (issue 15). SecurityGroups are optional.
    if (lb.SecurityGroups !== undefined) add([...p, "SecurityGroups"], "no local effect: there is no VPC locally");
    attrs(lb.Attributes, LOAD_BALANCER_ATTRIBUTES, [...p, "Attributes"]);
    lb.Listeners.forEach((l, j) => {
      const lp = [...p, "Listeners", j];
      // An ACM certificate ARN is honoured: the listener serves a local-CA certificate for its names
      // (elbv2/module.ts); any other kind of certificate (an IAM server certificate) has no stand-in.
      if (listenerCertificateArns(l.Certificates).some((a) => !a.startsWith("arn:aws:acm:")))
        add([...lp, "Certificates"], "not emulated: only ACM certificates are served; HTTPS listeners use edgeparity's local CA");
      if (l.SslPolicy !== undefined) add([...lp, "SslPolicy"], "approximated: Node's TLS defaults are used");
      if (l.AlpnPolicy !== undefined) add([...lp, "AlpnPolicy"], "approximated: HTTPS listeners offer h2 and http/1.1 (routing.http2.enabled)");
      if (l.MutualAuthentication !== undefined) add([...lp, "MutualAuthentication"], "not emulated: mutual TLS");
      attrs(l.Attributes, LISTENER_ATTRIBUTES, [...lp, "Attributes"]);
      const actionSets: [(string | number)[], LoadBalancer["Listeners"][number]["DefaultActions"]][] = [[[...lp, "DefaultActions"], l.DefaultActions]];
      l.Rules.forEach((r, k) => actionSets.push([[...lp, "Rules", k, "Actions"], r.Actions]));
      for (const [ap, actions] of actionSets)
        actions.forEach((a, k) => {
          if (a.Type === "authenticate-oidc" || a.Type === "authenticate-cognito" || a.Type === "jwt-validation")
            add([...ap, k], `not emulated yet: ${a.Type}; the action is skipped and the request continues unauthenticated`);
        });
    });
  });
  tgs.forEach((tg, i) => {
    const p = ["targetGroups", i];
    if (tg.ProtocolVersion === "HTTP2" || tg.ProtocolVersion === "GRPC")
      add([...p, "ProtocolVersion"], `approximated: requests are checked against ${tg.ProtocolVersion} (464 on mismatch) but sent to targets as HTTP/1.1`);
    if (tg.Protocol === "HTTPS") add([...p, "Protocol"], "approximated: the bound target URL's scheme decides how targets are reached");
    if (tg.HealthCheckProtocol === "HTTPS") add([...p, "HealthCheckProtocol"], "approximated: health checks use the bound target URL's scheme");
    if (tg.Matcher?.GrpcCode !== undefined) add([...p, "Matcher", "GrpcCode"], "not emulated: gRPC health checks");
    // Port and VpcId are required CreateTargetGroup inputs for instance/ip targets: documented once
    // in docs/fidelity.md (each bound target URL carries its own port; no VPC), never warned (issue 15).
    if (tg.IpAddressType !== undefined) add([...p, "IpAddressType"], "no local effect: targets are the bound URLs");
    attrs(tg.Attributes, TARGET_GROUP_ATTRIBUTES, [...p, "Attributes"]);
  });
  return out;
}

/** The CertificateArn of each `Certificates` item (a field the schema leaves unparsed). */
export function listenerCertificateArns(certificates: unknown): string[] {
  if (!Array.isArray(certificates)) return [];
  return certificates.flatMap((c: unknown) => {
    const arn = (c as { CertificateArn?: unknown } | null)?.CertificateArn;
    return typeof arn === "string" ? [arn] : [];
  });
}
