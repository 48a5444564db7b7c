export {
  composeStack,
  fragmentSource,
  importObject,
  importStack,
  mergeStackInput,
  objectSources,
  readStackSources,
  type ImportedStack,
  type StackSources,
} from "./import-stack.js";
export type { Importer, ImportOptions, ImportResult, ImportWarning, SourcePosition } from "./importer.js";
export { STACK_FILE_NAMES } from "./yaml/index.js";
