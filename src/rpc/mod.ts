/**
 * The worker protocol: typed tasks, results and events shared by the coordinator and the
 * workers, and (later) the gRPC glue. Imports only `core`.
 * @module
 */
export type {
  Artifact,
  ArtifactGetArgs,
  ArtifactGetResult,
  ExecuteOptions,
  FsDeleteArgs,
  FsDeleteResult,
  FsEntry,
  FsListArgs,
  FsListResult,
  FsReadArgs,
  FsReadResult,
  FsWriteArgs,
  FsWriteResult,
  PkgInstallArgs,
  PkgInstallResult,
  RunPythonArgs,
  RunPythonResult,
  SessionLimits,
  TaskError,
  TaskEvent,
  TaskExecutor,
  TaskOutcome,
  TaskRequest,
  TaskResultOf,
  TaskTool,
  TaskTypes,
  TestRunArgs,
  TestRunResult,
  WorkspaceStatsArgs,
  WorkspaceStatsResult,
} from "./tasks.ts";
