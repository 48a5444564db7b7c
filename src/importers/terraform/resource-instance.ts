import type { InstanceFacts } from "./assigned-attributes.js";
import type { Pos } from "./hcl-ast.js";

/**
 * One resource instance as the mappers read it, whether it came from a folder (evaluated HCL) or
 * from `terraform show -json` (planned or state values): the same shape, so both give one model.
 */
export interface ResourceInstance {
  /** `aws_lb.api`, `module.cdn.aws_s3_bucket.site["a"]`. */
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  /** The key the model files it under where it is keyed by resource (distributions, policies). */
  key: string;
  /** Arguments; nested blocks are lists of objects. */
  values: Record<string, unknown>;
  /** The folder of the module that declares it (handler files resolve against it). */
  dir: string;
  file: string;
  at: Pos | undefined;
  facts: InstanceFacts;
  /** Where an argument path (`["origin", 0, "domain_name"]`) was written, as near as known. */
  locate(path: readonly (string | number)[]): Pos | undefined;
}
