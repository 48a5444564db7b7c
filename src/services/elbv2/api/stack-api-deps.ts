import type { StackApi } from "../../../core/service.js";
import type { TargetHealth } from "../target-group/target-group.js";
import type { Elbv2ApiDeps, Elbv2Fragment } from "./elbv2-state.js";

/** The ELBv2 sections of the API's fragment, created empty where the fragment has none yet. */
function elbv2Sections(stack: Record<string, unknown>): Elbv2Fragment {
  stack.loadBalancers ??= [];
  stack.targetGroups ??= [];
  const local = (stack.local ??= {}) as Record<string, unknown>;
  local.targetGroups ??= {};
  return stack as unknown as Elbv2Fragment;
}

/** The ELBv2 API's view of the running stack (core/service.ts StackApi) and of its live target health. */
export function elbv2ApiDeps(
  api: StackApi,
  region: string,
  health: (tg: string) => readonly TargetHealth[] | undefined,
  createdTime: Date,
  certificateNames: (arn: string) => readonly string[] | undefined,
): Elbv2ApiDeps {
  return {
    region,
    certificateNames,
    createdTime,
    health,
    served() {
      const s = api.live();
      return {
        loadBalancers: s.loadBalancers,
        targetGroups: s.targetGroups,
        targets: Object.fromEntries(Object.entries(s.local.targetGroups).map(([name, b]) => [name, b.targets])),
        functions: s.local.functions,
      };
    },
    owned: () => elbv2Sections(api.fragment()),
    async change(edit) {
      await api.mutate("elbv2", (draft) => edit(elbv2Sections(draft.stack)));
    },
  };
}
