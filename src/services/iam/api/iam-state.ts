import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import type { StackApi } from "../../../core/service.js";
import { emptyRecords, iamDate, type IamRecords } from "./records.js";

/**
 * What IAM's operations read and write: the API's `iam` records only (never the stack fragment,
 * so an IAM call is never a revision of what is served). Each change runs on a draft inside
 * `StackApi.mutate`, one at a time, and is persisted before the answer is sent.
 */
export interface IamDeps {
  read(): IamRecords;
  change<T>(edit: (records: IamRecords) => T): Promise<T>;
  /** `iamDate` of the clock's now. */
  now(): string;
  /** A fresh seed for a new resource's unique id. */
  seed(): string;
}

export function iamDeps(api: StackApi, clock: Clock, ids: Ids): IamDeps {
  return {
    read: () => api.records<IamRecords>("iam") ?? emptyRecords(),
    async change(edit) {
      const { result } = await api.mutate<unknown, IamRecords>("iam", (draft) => {
        const records = draft.records ?? emptyRecords();
        const out = edit(records);
        draft.records = records;
        return out;
      });
      return result as ReturnType<typeof edit>;
    },
    now: () => iamDate(clock.now()),
    seed: () => ids.uuid(),
  };
}
