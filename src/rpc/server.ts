import {
  Server,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { CodegenError, getLogger } from "../core/mod.ts";
import { requireToken, TOKEN_HINT } from "./auth.ts";
import { RefusalLog } from "./_refusal_log.ts";
import { serverCredentials, type TlsPem } from "./tls.ts";
import { MAX_MESSAGE_BYTES } from "./_message_limit.ts";

const log = getLogger("rpc", "server");

/** One service a server hosts. */
export interface HostedService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/** Options for {@link startGrpcServer}. */
export interface GrpcServerOptions {
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** Calls must carry this token (`authorization: Bearer` or `x-worker-token`). */
  token?: string | undefined;
  tls?: TlsPem | undefined;
  services: HostedService[];
}

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** The bound port. */
  readonly port: number;
  /**
   * Stops accepting calls, lets running ones finish for up to `graceMs` (default 0),
   * then cancels the rest. Resolves when the server is down.
   */
  close(graceMs?: number): Promise<void>;
}

// Keepalive pings from clients every few seconds are how a caller notices a silent peer;
// the server must allow them rather than answer with GOAWAY "too_many_pings".
const SERVER_OPTIONS: ServerOptions = {
  "grpc.keepalive_time_ms": 10_000,
  "grpc.keepalive_timeout_ms": 5_000,
  "grpc.keepalive_permit_without_calls": 1,
  "grpc.http2.min_ping_interval_without_data_ms": 1_000,
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
};

/** Starts a server hosting `services`, with the token check on every call. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServerHandle> {
  const server = new Server(SERVER_OPTIONS);
  // the refused caller reads why; this side's operator must too
  const refusals = new RefusalLog();
  const onRefused = (r: { method: string; peer: string; reason: string }) => {
    const count = refusals.note(r.peer);
    if (count === undefined) return;
    log.warn(
      `Refused a call to {method} from {peer} (refusal {count} from there): {reason}; ${TOKEN_HINT}`,
      {
        ...r,
        count,
      },
    );
  };
  for (const { definition, implementation } of options.services) {
    server.addService(
      definition,
      requireToken(definition, implementation, { token: options.token, onRefused }),
    );
  }
  const host = options.host ?? "127.0.0.1";
  const target = `${host.includes(":") ? `[${host}]` : host}:${options.port ?? 0}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(target, serverCredentials(options.tls), (err, bound) => {
      if (err) {
        reject(new CodegenError("CONFIG_INVALID", `Cannot listen on "${target}": ${err.message}`));
      } else resolve(bound);
    });
  }).catch((err) => {
    server.forceShutdown();
    throw err;
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    close(graceMs = 0) {
      closing ??= shutdown(server, graceMs);
      return closing;
    },
  };
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
