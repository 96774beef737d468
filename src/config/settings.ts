/**
 * Config fields by the flag (and variable) that set them: how messages name a setting, so
 * every message about one names it the same way.
 */
export const SETTING = {
  host: "--host (HTTP_HOST)",
  port: "--port (HTTP_PORT)",
  grpcPort: "--grpc-port (GRPC_PORT)",
  adminPort: "--admin-port (ADMIN_PORT)",
  listen: "--listen (WORKER_LISTEN)",
  advertise: "--advertise (WORKER_ADVERTISE)",
  workspaceRoot: "--workspace-root (WORKSPACE_ROOT)",
  auditLog: "--audit-log (AUDIT_LOG)",
  workerId: "--worker-id (WORKER_ID)",
  workerToken: "WORKER_TOKEN",
  mcpAuthToken: "MCP_AUTH_TOKEN",
  tlsCert: "--tls-cert",
  tlsKey: "--tls-key",
  tlsCa: "--tls-ca",
} as const;
