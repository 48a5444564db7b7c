/** CloudFront Functions (cloudfront.md §13): the syntax gate, the sandbox, the edge's two places to run them, TestFunction. */
export { checkFunctionSyntax, type SyntaxRefusal } from "./syntax-gate.js";
export { compileCloudFrontFunction, functionArn, type CloudFrontFunction } from "./cloudfront-function.js";
export {
  carryOverKeyValueStores,
  formatKeyValueStoreFile,
  KeyValueStore,
  nextKeyValueStoreStamp,
  noteOwnKeyValueStoreWrite,
  parseKeyValueStoreFile,
  watchKeyValueStore,
} from "./key-value-store.js";
export { runViewerRequestFunction, runViewerResponseFunction } from "./run-function.js";
export type { FunctionRun } from "./function-run.js";
export { FunctionMetrics } from "./function-metrics.js";
export { reportFunctionRuns } from "./report-function-run.js";
export { testCloudFrontFunction, type TestResult } from "./test-function.js";
export { isDisallowedHeader, READ_ONLY_HEADERS } from "./header-rules.js";
export {
  MAX_FUNCTION_CODE_BYTES,
  MAX_KVS_BYTES,
  MAX_KVS_KEY_CHARS,
  MAX_KVS_VALUE_CHARS,
  type FunctionRuntime,
  type FunctionStage,
  type FunctionEventType,
} from "./function-runtime.js";
