/** An ELBv2 API error: AWS's code, its message, and the HTTP status it travels with (400 Sender unless said). */
export class Elbv2ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

// The messages AWS answers (ELBv2 API reference, "Errors" of each operation; quoted in Terraform issues).
export const notFound = {
  loadBalancer: () => new Elbv2ApiError("LoadBalancerNotFound", "One or more load balancers not found"),
  targetGroup: () => new Elbv2ApiError("TargetGroupNotFound", "One or more target groups not found"),
  listener: () => new Elbv2ApiError("ListenerNotFound", "One or more listeners not found"),
  rule: () => new Elbv2ApiError("RuleNotFound", "One or more rules not found"),
};

export const validation = (message: string) => new Elbv2ApiError("ValidationError", message);
