/**
 * The worker protocol: typed tasks, results and events shared by the coordinator and the
 * workers; their proto messages (generated in `gen/`) and conversions; and the gRPC glue.
 * Imports only `core`.
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
export { toolRequestFromProto, toolRequestToProto } from "./convert_tool_requests.ts";
export { type ToolResult, toolResultFromProto, toolResultToProto } from "./convert_tool_results.ts";
export {
  type DecodedTaskEvent,
  limitsFromProto,
  limitsToProto,
  outcomeToProto,
  taskErrorFromProto,
  taskErrorToProto,
  taskEventFromProto,
  taskEventToProto,
} from "./convert_events.ts";
export {
  fromServiceError,
  statusForCode,
  toServiceError,
  withoutEmptyNote,
} from "./grpc_status.ts";
export {
  isAuthorized,
  presentedToken,
  requireToken,
  type RequireTokenOptions,
  TOKEN_HINT,
  tokenInterceptor,
  type TokenRefusal,
} from "./auth.ts";
export {
  channelCredentials,
  checkTlsPem,
  readTlsFiles,
  serverCredentials,
  type TlsCheck,
  type TlsFiles,
  type TlsPem,
} from "./tls.ts";
export {
  type GrpcServerHandle,
  type GrpcServerOptions,
  type HostedService,
  startGrpcServer,
} from "./server.ts";
export { routeGrpcLogs } from "./grpc_logging.ts";
export { type ChannelSettings, type ClientConstructor, openChannel } from "./channel.ts";
export {
  type RemoteTaskOptions,
  startWorkerServiceServer,
  type WorkerServiceHandler,
  type WorkerServiceServerOptions,
} from "./worker_service_server.ts";
export {
  type RemoteExecuteOptions,
  type WorkerConnectionSettings,
  WorkerServiceConnection,
} from "./worker_service_client.ts";
export type {
  LifecycleDeregisterRequest,
  LifecycleHeartbeatRequest,
  LifecycleHeartbeatResponse,
  LifecycleRegisterRequest,
  LifecycleRegisterResponse,
  LifecycleRegistry,
  WorkerCapabilitiesMessage,
} from "./lifecycle_types.ts";
export {
  type LifecycleServerHandle,
  type LifecycleServerOptions,
  startLifecycleServer,
} from "./lifecycle_server.ts";
export {
  LifecycleConnection,
  type LifecycleConnectionSettings,
  type WorkerRegistration,
} from "./lifecycle_client.ts";
