/**
 * Policy rules shared by the coordinator and the workers. Pure: no filesystem, no network.
 * Paths are checked lexically here (the coordinator rejects early); the worker checks them
 * again at open time against the real filesystem.
 * @module
 */
export {
  checkRelativePath,
  MAX_PATH_BYTES,
  MAX_SEGMENT_BYTES,
  type PathCheck,
  type PathCheckOptions,
  pathViolation,
  quotePath,
  requireRelativePath,
} from "./paths.ts";
export { checkListAfter } from "./list_after.ts";
export { compareNames, firstAfter, sortNames } from "./name_order.ts";
export { checkWellFormed, requireWellFormed } from "./well_formed.ts";
