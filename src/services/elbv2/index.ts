/** ELBv2's door: the data plane across revisions, its names, and the target commands it starts. */
export { startElbv2, type Elbv2Service, type ListenerEndpoint, type LoadBalancerHandle, type ResolvedTarget, type TargetGroupHandle } from "./elbv2-runtime.js";
export { loadBalancerFromHost, loadBalancerHosts } from "./names.js";
export { startCommandTarget, type CommandTarget } from "./target-group/command-target.js";
export type { TargetHealth } from "./target-group/target-group.js";
