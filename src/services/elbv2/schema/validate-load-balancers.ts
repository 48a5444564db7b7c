import type { Action, LoadBalancer, TargetGroup } from "./load-balancer.js";

/** Cross-references ELBv2 checks on CreateListener/CreateRule: every target group an action names exists, priorities are unique. */
export function validateLoadBalancers(lbs: LoadBalancer[], tgs: TargetGroup[]): [(string | number)[], string][] {
  const issues: [(string | number)[], string][] = [];
  const tgNames = new Set(tgs.map((t) => t.Name));
  const lbNames = new Set<string>();
  lbs.forEach((lb, i) => {
    if (lbNames.has(lb.Name)) issues.push([["loadBalancers", i, "Name"], `DuplicateLoadBalancerName: a load balancer named '${lb.Name}' already exists`]);
    lbNames.add(lb.Name);
    const ports = new Set<number>();
    lb.Listeners.forEach((l, j) => {
      const lp = ["loadBalancers", i, "Listeners", j];
      if (ports.has(l.Port)) issues.push([[...lp, "Port"], `DuplicateListener: a listener already exists on port ${l.Port}`]);
      ports.add(l.Port);
      checkActions(l.DefaultActions, [...lp, "DefaultActions"]);
      const priorities = new Set<number>();
      l.Rules.forEach((r, k) => {
        if (priorities.has(r.Priority)) issues.push([[...lp, "Rules", k, "Priority"], `PriorityInUse: priority ${r.Priority} is already in use`]);
        priorities.add(r.Priority);
        checkActions(r.Actions, [...lp, "Rules", k, "Actions"]);
      });
    });
  });
  function checkActions(actions: Action[], path: (string | number)[]) {
    actions.forEach((a, i) => {
      const refs = a.TargetGroupArn ? [a.TargetGroupArn] : (a.ForwardConfig?.TargetGroups.map((t) => t.TargetGroupArn) ?? []);
      if (a.Type === "forward" && refs.length === 0)
        issues.push([[...path, i], "ValidationError: a forward action needs TargetGroupArn or ForwardConfig.TargetGroups"]);
      if (a.Type === "redirect" && !a.RedirectConfig) issues.push([[...path, i], "ValidationError: a redirect action needs RedirectConfig"]);
      if (a.Type === "fixed-response" && !a.FixedResponseConfig)
        issues.push([[...path, i], "ValidationError: a fixed-response action needs FixedResponseConfig"]);
      for (const ref of refs) {
        if (!tgNames.has(targetGroupName(ref)))
          issues.push([[...path, i, "TargetGroupArn"], `TargetGroupNotFound: '${ref}' names no entry under targetGroups`]);
      }
    });
  }
  return issues;
}

/** `arn:aws:elasticloadbalancing:…:targetgroup/NAME/ID` or a bare NAME → NAME. */
export function targetGroupName(ref: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(ref);
  return m?.[1] ?? ref;
}
