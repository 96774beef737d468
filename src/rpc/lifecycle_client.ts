import { connectivityState } from "@grpc/grpc-js";
import { WorkerLifecycleClient } from "./gen/codegen/v1/lifecycle.ts";
import { stateToProto } from "./convert_enums.ts";
import { callUnary, type UnaryMethod } from "./_unary.ts";
import { type ChannelSettings, openChannel } from "./channel.ts";
import type {
  LifecycleDeregisterRequest,
  LifecycleHeartbeatRequest,
  LifecycleHeartbeatResponse,
  LifecycleRegisterResponse,
  WorkerCapabilitiesMessage,
} from "./lifecycle_types.ts";

/** A worker's registration as it sends it (the token comes from the channel settings). */
export interface WorkerRegistration {
  workerId: string;
  address: string;
  capabilities: WorkerCapabilitiesMessage;
  version: string;
}

/** Options for {@link LifecycleConnection}. */
export interface LifecycleConnectionSettings extends ChannelSettings {
  /** Deadline of each call; default 10 s. */
  callTimeoutMs?: number;
}

/**
 * What a worker reports when the coordinator at `address` cannot be reached: the side that
 * is missing and the settings that usually explain it.
 */
export function coordinatorUnreachable(address: string, detail: string): string {
  // getaddrinfo EPERM: the runtime refused to look the name up (the process's network grant)
  const check = /\bEPERM\b/.test(detail)
    ? "the worker may not dial this host: its network grant allows only loopback and " +
      "*.svc.cluster.local names; see docs/permissions.md"
    : "check --coordinator against the coordinator's GRPC_PORT, and that the TLS flags match " +
      "on both sides";
  return `Coordinator unreachable at ${JSON.stringify(address)}: ${detail} (${check})`;
}

/** A worker's channel to the coordinator's `WorkerLifecycle`; calls reject with `CodegenError`. */
export class LifecycleConnection {
  #client: WorkerLifecycleClient;
  #address: string;
  #token: string;
  #timeoutMs: number;
  #closed = false;

  constructor(address: string, settings: LifecycleConnectionSettings = {}) {
    this.#client = openChannel(WorkerLifecycleClient, address, settings);
    this.#address = address;
    this.#token = settings.token ?? "";
    this.#timeoutMs = settings.callTimeoutMs ?? 10_000;
  }

  #call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
    return callUnary(this.#client, method, {
      request,
      timeoutMs: this.#timeoutMs,
      unreachable: (detail) => coordinatorUnreachable(this.#address, detail),
    });
  }

  async register(req: WorkerRegistration): Promise<LifecycleRegisterResponse> {
    const res = await this.#call(this.#client.registerWorker, {
      worker_id: req.workerId,
      auth_token: this.#token,
      grpc_address: req.address,
      capabilities: {
        tools: req.capabilities.tools,
        languages: req.capabilities.languages,
        max_sessions: req.capabilities.maxSessions,
      },
      version: req.version,
    });
    return res.accepted
      ? {
        accepted: true,
        registrationId: res.registration_id,
        heartbeatIntervalSec: res.heartbeat_interval_sec,
        ...(res.session_idle_sec > 0 ? { sessionIdleSec: res.session_idle_sec } : {}),
      }
      : { accepted: false, reason: res.reason };
  }

  async heartbeat(req: LifecycleHeartbeatRequest): Promise<LifecycleHeartbeatResponse> {
    const res = await this.#call(this.#client.heartbeat, {
      worker_id: req.workerId,
      registration_id: req.registrationId,
      state: stateToProto(req.state),
      active_sessions: req.activeSessions,
      active_tasks: req.activeTasks,
    });
    return {
      continueServing: res.continue_serving,
      commands: res.commands,
      liveSessionIds: res.live_session_ids,
    };
  }

  async deregister(req: LifecycleDeregisterRequest): Promise<void> {
    await this.#call(this.#client.deregisterWorker, {
      worker_id: req.workerId,
      registration_id: req.registrationId,
    });
  }

  /**
   * Calls `onLost` each time the connection to the coordinator, once up, goes down (the
   * coordinator stopped or restarted, or the network dropped it), so the worker can look at
   * once instead of at its next heartbeat. Ends with {@link close}.
   */
  watchConnection(onLost: () => void): void {
    const channel = this.#client.getChannel();
    const watch = (state: connectivityState) => {
      if (this.#closed) return;
      channel.watchConnectivityState(state, Infinity, (err) => {
        if (err || this.#closed) return;
        const next = channel.getConnectivityState(false);
        if (state === connectivityState.READY && next !== connectivityState.READY) onLost();
        watch(next);
      });
    };
    watch(channel.getConnectivityState(false));
  }

  close(): void {
    this.#closed = true;
    this.#client.close();
  }
}
