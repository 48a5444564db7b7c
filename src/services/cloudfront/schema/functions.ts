import { z } from "zod";
import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import { isCodePath } from "../../../core/code-path.js";
import { didYouMean } from "../../../core/did-you-mean.js";
import { awsList, listItems } from "../../../model/aws-list.js";
import type { DistributionConfig } from "./distribution-config.js";

/**
 * CloudFront Functions and KeyValueStores in the stack file (cloudfront.md §13), in the shapes
 * `aws cloudfront create-function` and `create-key-value-store` take:
 *
 *   functions:
 *     spa-rewrite:
 *       FunctionConfig: { Comment: "…", Runtime: cloudfront-js-2.0, KeyValueStoreAssociations: … }
 *       FunctionCode: ./functions/spa-rewrite.js      # or the code itself
 *   keyValueStores:
 *     ab-routes: ./kvs/ab-routes.json                 # or { Comment, file }
 *
 * A FunctionCode ending in `.js` (one line, no spaces) is a path relative to the stack file; any
 * other value is the code itself. The code is read, measured and parsed when the stack binds.
 */
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;

export const FunctionConfigSchema = z
  .object({
    Comment: z.string().max(128).default(""),
    Runtime: z.enum(["cloudfront-js-1.0", "cloudfront-js-2.0"]),
    KeyValueStoreAssociations: awsList(z.object({ KeyValueStoreARN: z.string().min(1) }).strict()).optional(),
  })
  .strict();

export const FunctionEntrySchema = z.object({ FunctionConfig: FunctionConfigSchema, FunctionCode: z.string().min(1) }).strict();
export type FunctionEntry = z.infer<typeof FunctionEntrySchema>;

export const KeyValueStoreEntrySchema = z.preprocess(
  (v) => (typeof v === "string" ? { file: v } : v),
  z.object({ Comment: z.string().max(128).optional(), file: z.string().min(1) }).strict(),
);
export type KeyValueStoreEntry = z.infer<typeof KeyValueStoreEntrySchema>;

/** `FunctionCode` names a file (see above) rather than holding code. */
export const isFunctionCodePath = isCodePath;

/** `arn:aws:cloudfront::000000000000:function/<name>`, or the name itself → the name. */
export function functionNameOf(ref: string): string {
  const m = /^arn:aws:cloudfront::\d{12}:function\/(.+)$/.exec(ref);
  return m ? m[1]! : ref;
}

/** `arn:aws:cloudfront::000000000000:key-value-store/<name or id>`, or the name → the last part. */
export function keyValueStoreRefOf(ref: string): string {
  const m = /^arn:aws:cloudfront::\d{12}:key-value-store\/(.+)$/.exec(ref);
  return m ? m[1]! : ref;
}

/** Locally a store's id is its name (AWS mints a UUID). */
export const keyValueStoreArn = (name: string) => `arn:aws:cloudfront::${LOCAL_ACCOUNT_ID}:key-value-store/${name}`;

type Problem = [readonly (string | number)[], string];

/** CreateFunction's refusals that need no file: names, KeyValueStore associations (§13.1 "max 1", not in 1.0). */
export function validateFunctions(functions: Readonly<Record<string, FunctionEntry>>, keyValueStores: Readonly<Record<string, unknown>>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, f] of Object.entries(functions)) {
    const at = ["functions", name];
    if (!FUNCTION_NAME.test(name))
      problems.push([at, `InvalidArgument: a function name is 1 to 64 letters, digits, hyphens and underscores; '${name}' is not`]);
    const kvs = listItems(f.FunctionConfig.KeyValueStoreAssociations);
    const kAt = [...at, "FunctionConfig", "KeyValueStoreAssociations"];
    if (kvs.length > 0 && f.FunctionConfig.Runtime === "cloudfront-js-1.0")
      problems.push([kAt, "InvalidArgument: KeyValueStore associations need the cloudfront-js-2.0 runtime"]);
    if (kvs.length > 1) problems.push([kAt, "InvalidArgument: a function can be associated with at most one KeyValueStore"]);
    kvs.forEach((k, i) => {
      const ref = keyValueStoreRefOf(k.KeyValueStoreARN);
      if (!(ref in keyValueStores))
        problems.push([
          [...kAt, "Items", i, "KeyValueStoreARN"],
          `EntityNotFound: The key value store '${k.KeyValueStoreARN}' does not exist in keyValueStores${didYouMean(ref, Object.keys(keyValueStores))}`,
        ]);
    });
  }
  return problems;
}

/**
 * The distribution's FunctionAssociations: each names a function of the stack (by ARN or name;
 * NoSuchFunctionExists otherwise), one per event type, and no behaviour has a CloudFront Function
 * and a Lambda@Edge function on the same viewer event (§13.4 "Combination").
 */
export function validateFunctionAssociations(dc: DistributionConfig, functions: Readonly<Record<string, unknown>>): Problem[] {
  const problems: Problem[] = [];
  const behaviors: [(string | number)[], DistributionConfig["DefaultCacheBehavior"]][] = [[["DefaultCacheBehavior"], dc.DefaultCacheBehavior]];
  listItems(dc.CacheBehaviors).forEach((b, i) => behaviors.push([["CacheBehaviors", "Items", i], b]));
  for (const [p, b] of behaviors) {
    const seen = new Set<string>();
    const lambdaEvents = new Set(listItems(b.LambdaFunctionAssociations).map((l) => l.EventType));
    listItems(b.FunctionAssociations).forEach((a, i) => {
      const at = [...p, "FunctionAssociations", "Items", i];
      const name = functionNameOf(a.FunctionARN);
      if (!(name in functions))
        problems.push([
          [...at, "FunctionARN"],
          `NoSuchFunctionExists: The specified function does not exist. '${a.FunctionARN}' is not under functions${didYouMean(name, Object.keys(functions))}`,
        ]);
      if (seen.has(a.EventType)) problems.push([[...at, "EventType"], `InvalidArgument: more than one function is associated with the ${a.EventType} event`]);
      seen.add(a.EventType);
      if (lambdaEvents.has(a.EventType))
        problems.push([
          [...at, "EventType"],
          `InvalidArgument: the ${a.EventType} event has both a CloudFront function and a Lambda@Edge function; a behaviour takes one of them`,
        ]);
    });
  }
  return problems;
}
