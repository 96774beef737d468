import {
  Server,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import net from "node:net";
import { CodegenError, getLogger, RefusalLog } from "../core/mod.ts";
import { requireToken, TOKEN_HINT } from "./auth.ts";
import { serverCredentials, type TlsPem } from "./tls.ts";
import { MAX_MESSAGE_BYTES } from "./_message_limit.ts";
import {
  ConnectionGate,
  type ConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
  type GateRefusal,
} from "./connection_gate.ts";

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
  /** Bounds on open connections; default {@link DEFAULT_CONNECTION_LIMITS}. */
  connections?: Partial<ConnectionLimits>;
  /** Largest message a call may send; default the project's limit (MAX_MESSAGE_BYTES). */
  maxReceiveBytes?: number;
  /**
   * The settings that chose `host` and `port` (e.g. `--host (HTTP_HOST)`), named by the
   * error when the address cannot be bound.
   */
  settings?: { host: string; port: string };
}

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** The bound port. */
  readonly port: number;
  /** Connections open now, and how many have not yet made an admitted call. */
  readonly connections: { open: number; unproven: number };
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

/**
 * Starts a server hosting `services`, with the token check on every call. The port is a
 * plain TCP listener whose connections pass a {@link ConnectionGate} before grpc-js sees
 * them (grpc-js itself accepts any number).
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServerHandle> {
  const gate = new ConnectionGate(
    { ...DEFAULT_CONNECTION_LIMITS, ...options.connections },
    gateLog(),
  );
  // the refused caller reads why; this side's operator must too
  const refusals = new RefusalLog();
  const onRefused = (r: { method: string; peer: string; reason: string }) => {
    gate.refused(r.peer);
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
  const onAdmitted = (peer: string) => gate.prove(peer);
  const server = new Server({
    ...SERVER_OPTIONS,
    ...(options.maxReceiveBytes
      ? { "grpc.max_receive_message_length": options.maxReceiveBytes }
      : {}),
    interceptors: [requireToken({ token: options.token, onRefused, onAdmitted })],
  });
  for (const { definition, implementation } of options.services) {
    server.addService(definition, implementation);
  }
  const injector = server.createConnectionInjector(serverCredentials(options.tls));
  const tcp = net.createServer({ pauseOnConnect: true }, (socket) => {
    if (!gate.admit(socket)) return;
    // grpc-js gets a connection once its first bytes arrive: Deno's node:http2 keeps about
    // 20 KB of every session it ever served, so a connection that sends nothing gets none
    const start = () => {
      socket.off("readable", start);
      if (socket.readableLength > 0) injector.injectConnection(socket);
      else socket.destroy();
    };
    socket.on("readable", start);
  });
  // a host as written in host:port ("[::1]") is the bare address to bind
  const host = (options.host ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  const target = `${host.includes(":") ? `[${host}]` : host}:${options.port ?? 0}`;
  const port = await listen(tcp, host, options.port ?? 0).catch((err) => {
    server.forceShutdown();
    throw new CodegenError(
      "CONFIG_INVALID",
      `Cannot listen on "${target}"${settingAtFault(err, options.settings)}: ${err.message}`,
      { cause: err },
    );
  });
  // an accept that fails (the open-file limit) must not end the process; the listener
  // goes on accepting once descriptors are free
  tcp.on("error", (err) => log.warn("gRPC listener on {target}: {error}", { target, error: err }));
  let closing: Promise<void> | undefined;
  return {
    port,
    get connections() {
      return gate.counts;
    },
    close(graceMs = 0) {
      closing ??= shutdown(server, tcp, gate, graceMs);
      return closing;
    },
  };
}

// A taken or privileged port is the port's fault; anything else (a bad host) the host's.
function settingAtFault(err: unknown, settings: GrpcServerOptions["settings"]): string {
  if (!settings) return "";
  const code = (err as { code?: unknown } | null)?.code;
  return ` (check ${code === "EADDRINUSE" || code === "EACCES" ? settings.port : settings.host})`;
}

function listen(tcp: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, host, () => {
      tcp.off("error", reject);
      resolve((tcp.address() as net.AddressInfo).port);
    });
  });
}

// One line per reason at 1, 2, 4, 8... connections closed: a flood must not flood the log.
function gateLog(): (why: GateRefusal, peer: string) => void {
  const closes = new RefusalLog();
  return (why, peer) => {
    const count = closes.count(why);
    if (count === undefined) return;
    log.warn("Closed a gRPC connection from {peer}: {why} (closed {count} for this so far)", {
      peer,
      why,
      count,
    });
  };
}

// grpc-js's tryShutdown sends every session GOAWAY, but under Deno its callback comes
// before the sessions' running calls end: the sessions' sockets closing is what says they
// did.
async function shutdown(
  server: Server,
  tcp: net.Server,
  gate: ConnectionGate,
  graceMs: number,
): Promise<void> {
  tcp.close();
  const forced = Promise.withResolvers<void>();
  const timer = setTimeout(() => {
    server.forceShutdown();
    gate.destroyAll();
    forced.resolve();
  }, graceMs);
  try {
    await Promise.race([
      new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
      forced.promise,
    ]);
    await gate.drained();
  } finally {
    clearTimeout(timer);
  }
}
