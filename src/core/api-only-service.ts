import type { ControlPlane, LiveService, ServiceContext, ServiceModule } from "./service.js";

/**
 * A service that has an AWS API and nothing to serve (STS, IAM: record keeping): no stack
 * section, no hosts, no plan; its control plane is made once from the service context and
 * outlives every revision.
 */
export function apiOnlyService(name: string, controlPlane: (ctx: ServiceContext) => ControlPlane): ServiceModule<unknown, undefined, undefined> {
  return {
    name,
    bind: async () => ({ binding: undefined, problems: [] }),
    compile: async () => undefined,
    async start(_plan, ctx): Promise<LiveService<undefined>> {
      return { routes: new Map(), controlPlane: controlPlane(ctx), apply: async () => {}, close: async () => {} };
    },
  };
}
