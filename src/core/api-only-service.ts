import type { ControlPlane, LiveService, RunningService, ServiceContext, ServiceModule } from "./service.js";

/** What an API-only service serves: its control plane, and the optional hooks other services ask it (ACM's `certificateNames`). */
export type ApiOnlyLive = { controlPlane: ControlPlane } & Partial<Pick<RunningService, "certificateNames">>;

/**
 * A service that has an AWS API and nothing to serve (STS, IAM, EC2, ACM: record keeping): no
 * stack section, no hosts, no plan; its control plane is made once from the service context and
 * outlives every revision.
 */
export function apiOnlyService(name: string, start: (ctx: ServiceContext) => ApiOnlyLive): ServiceModule<unknown, undefined, undefined> {
  return {
    name,
    bind: async () => ({ binding: undefined, problems: [] }),
    compile: async () => undefined,
    async start(_plan, ctx): Promise<LiveService<undefined>> {
      return { routes: new Map(), ...start(ctx), apply: async () => {}, close: async () => {} };
    },
  };
}
