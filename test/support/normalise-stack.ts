import type { Stack } from "../../src/model/stack.js";

/**
 * One stack written in several formats differs in ways AWS does not see: a Terraform set comes
 * back sorted, a provider writes AWS's defaults explicitly (health check thresholds, idle timeout,
 * CachedMethods GET/HEAD), and the Terraform provider gives an OAC a description. This fills and
 * drops those so the importer conformance tests compare what AWS would run (conventions §8).
 */
const ELB_ATTRIBUTE_DEFAULTS: Record<string, string> = { "idle_timeout.timeout_seconds": "60", "deregistration_delay.timeout_seconds": "300" };

export function normaliseStack(stack: Stack): Stack {
  const s = structuredClone(stack) as Stack & Record<string, unknown>;
  const sortItems = <T>(l: { Quantity?: number; Items?: T[] } | undefined, key: (x: T) => string) => {
    if (l?.Items) l.Items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  };
  for (const dc of Object.values(s.distributions)) {
    sortItems(dc.Origins, (o) => o.Id);
    sortItems(dc.CustomErrorResponses, (e) => String(e.ErrorCode).padStart(3, "0"));
    for (const b of [dc.DefaultCacheBehavior, ...(dc.CacheBehaviors?.Items ?? [])]) {
      if (!b.AllowedMethods) continue;
      b.AllowedMethods.Items.sort();
      b.AllowedMethods.CachedMethods ??= { Quantity: 2, Items: ["GET", "HEAD"] };
      b.AllowedMethods.CachedMethods.Items?.sort();
    }
  }
  for (const oac of Object.values(s.originAccessControls) as { Description?: string }[]) if (oac.Description === "Managed by Terraform") delete oac.Description;
  for (const lb of s.loadBalancers) lb.Attributes = lb.Attributes.filter((a) => ELB_ATTRIBUTE_DEFAULTS[a.Key] !== a.Value);
  for (const tg of s.targetGroups) {
    tg.Attributes = tg.Attributes.filter((a) => ELB_ATTRIBUTE_DEFAULTS[a.Key] !== a.Value);
    if (tg.TargetType === "lambda") continue;
    // ELBv2 CreateTargetGroup defaults for HTTP target groups (alb.md §9).
    tg.HealthCheckEnabled ??= true;
    tg.HealthCheckProtocol ??= "HTTP";
    tg.HealthCheckIntervalSeconds ??= 30;
    tg.HealthyThresholdCount ??= 5;
    tg.UnhealthyThresholdCount ??= 2;
  }
  return s;
}
