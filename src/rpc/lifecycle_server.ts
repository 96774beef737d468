import type { sendUnaryData } from "@grpc/grpc-js";
import {
  boundedQuote as quote,
  boundedText as cut,
  CodegenError,
  constantTimeEqual,
  getLogger,
  sha256Hex,
} from "../core/mod.ts";
import { type WorkerLifecycleServer, WorkerLifecycleService } from "./gen/codegen/v1/lifecycle.ts";
import { stateFromProto } from "./convert_enums.ts";
import { toServiceError } from "./grpc_status.ts";
import { presentedToken } from "./auth.ts";
import { type GrpcServerOptions, startGrpcServer } from "./server.ts";
import type { TlsPem } from "./tls.ts";
import type { LifecycleRegistry } from "./lifecycle_types.ts";

const log = getLogger("rpc", "lifecycle");

/** Options for {@link startLifecycleServer}. */
export interface LifecycleServerOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** The worker token; every call must carry it. Unset admits any worker (log it). */
  token?: string | undefined;
  tls?: TlsPem | undefined;
  registry: LifecycleRegistry;
  /** The settings that chose `host` and `port`, named when they cannot be bound. */
  settings?: GrpcServerOptions["settings"];
}

// host:port, IPv6 in brackets: the coordinator dials it by name, so a target with a scheme
// ("dns:///h:p", "unix:/path") or a bare IPv6 address would fail later with a confusing
// INTERNAL error on every call.
const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^:/\[\]@\s]+):\d{1,5}$/;

/** Why `address` cannot be dialled as a worker's `host:port`, or undefined when it can. */
export function addressProblem(address: string): string | undefined {
  if (address === "" || HOST_PORT.test(address)) return undefined;
  const hint = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^(?:dns|unix|unix-abstract|ipv4|ipv6|vsock):/i
      .test(address)
    ? "give host:port without a scheme"
    : "expected host:port, an IPv6 address in brackets";
  return `Invalid worker address ${quote(address)}: ${hint}`;
}

/** The running lifecycle listener. */
export interface LifecycleServerHandle {
  readonly port: number;
  close(): Promise<void>;
}

function unary<T>(callback: sendUnaryData<T>, work: () => Promise<T>): void {
  work().then((value) => callback(null, value), (err) => callback(toServiceError(err)));
}

function refuse(workerId: string, reason: string) {
  log.warn("Refused worker {id}: {reason}", { id: cut(workerId), reason });
  return {
    accepted: false,
    reason,
    registration_id: "",
    heartbeat_interval_sec: 0,
    session_idle_sec: 0,
  };
}

function implement(registry: LifecycleRegistry, token: string | undefined): WorkerLifecycleServer {
  return {
    registerWorker: (call, cb) =>
      unary(cb, async () => {
        const r = call.request;
        // The token also travels in the body (the protocol's field); when both are
        // present they must agree.
        const presented = r.auth_token || presentedToken(call.metadata) || "";
        if (token !== undefined && !constantTimeEqual(presented, token)) {
          throw new CodegenError(
            "UNAUTHENTICATED",
            `Worker ${quote(r.worker_id)} sent a bad token`,
          );
        }
        const badAddress = addressProblem(r.grpc_address);
        if (badAddress !== undefined) return refuse(r.worker_id, badAddress);
        const caps = r.capabilities ?? { tools: [], languages: [], max_sessions: 0 };
        const res = await registry.register({
          workerId: r.worker_id,
          tokenFingerprint: await sha256Hex(presented),
          address: r.grpc_address,
          capabilities: {
            tools: caps.tools,
            languages: caps.languages,
            maxSessions: caps.max_sessions,
          },
          version: r.version,
        });
        if (!res.accepted) return refuse(r.worker_id, res.reason);
        log.info("Worker {id} registered at {address}", {
          id: r.worker_id,
          address: r.grpc_address,
        });
        return {
          accepted: true,
          reason: "",
          registration_id: res.registrationId,
          heartbeat_interval_sec: res.heartbeatIntervalSec,
          session_idle_sec: res.sessionIdleSec ?? 0,
        };
      }),
    heartbeat: (call, cb) =>
      unary(cb, async () => {
        const r = call.request;
        const res = await registry.heartbeat({
          workerId: r.worker_id,
          registrationId: r.registration_id,
          state: stateFromProto(r.state),
          activeSessions: r.active_sessions,
          activeTasks: r.active_tasks,
        });
        return {
          continue_serving: res.continueServing,
          commands: res.commands,
          live_session_ids: res.liveSessionIds ?? [],
        };
      }),
    deregisterWorker: (call, cb) =>
      unary(cb, async () => {
        const { worker_id, registration_id } = call.request;
        await registry.deregister({ workerId: worker_id, registrationId: registration_id });
        log.info("Worker {id} deregistered", { id: cut(worker_id) });
        return {};
      }),
  };
}

/** Largest message the lifecycle listener takes. */
export const LIFECYCLE_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

/** Starts the coordinator's `WorkerLifecycle` listener backed by `registry`. */
export async function startLifecycleServer(
  options: LifecycleServerOptions,
): Promise<LifecycleServerHandle> {
  // the missing-token warning is the caller's (app/fleet.ts), which knows the setting's name
  const server = await startGrpcServer({
    ...options,
    // its messages are small (a heartbeat names at most 10,000 session ids, about 400 KB):
    // a caller cannot make the coordinator take in megabytes per call
    maxReceiveBytes: LIFECYCLE_MAX_RECEIVE_BYTES,
    services: [{
      definition: WorkerLifecycleService,
      implementation: implement(options.registry, options.token),
    }],
  });
  return { port: server.port, close: () => server.close(1_000) };
}
