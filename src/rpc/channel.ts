import type { ChannelOptions, Client, Interceptor } from "@grpc/grpc-js";
import { tokenInterceptor } from "./auth.ts";
import { byNameTarget } from "./by_name_resolver.ts";
import { isIP } from "node:net";
import { channelCredentials, IP_SERVER_NAME, type TlsPem } from "./tls.ts";
import { MAX_MESSAGE_BYTES } from "./_message_limit.ts";

/** Options for {@link openChannel}. */
export interface ChannelSettings {
  /** Sent as `authorization: Bearer <token>` on every call. */
  token?: string | undefined;
  tls?: TlsPem | undefined;
  /** Overrides the TLS server name checked against the certificate. */
  serverName?: string | undefined;
  /**
   * Ping interval and ack timeout that detect a silent peer (host gone without a TCP
   * reset); default 5 s and 2 s.
   */
  keepalive?: { intervalMs: number; timeoutMs: number } | undefined;
}

// Keepalive makes a silent peer (host gone without a TCP reset) fail the call within
// seconds instead of hanging; reconnect backoff stays short so a restarted worker is
// found again quickly.
const CHANNEL_OPTIONS: ChannelOptions = {
  "grpc.keepalive_time_ms": 5_000,
  "grpc.keepalive_timeout_ms": 2_000,
  "grpc.keepalive_permit_without_calls": 1,
  "grpc.initial_reconnect_backoff_ms": 200,
  "grpc.max_reconnect_backoff_ms": 2_000,
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
};

/** A client constructor as ts-proto generates it (`new WorkerServiceClient(...)`). */
export type ClientConstructor<C extends Client> = new (
  address: string,
  credentials: ReturnType<typeof channelCredentials>,
  options?: Partial<ChannelOptions> & { interceptors?: Interceptor[] },
) => C;

/**
 * Dials `address` by name (see by_name_resolver.ts) with the token interceptor and TLS
 * settings; `close()` releases it.
 */
export function openChannel<C extends Client>(
  ctor: ClientConstructor<C>,
  address: string,
  settings: ChannelSettings = {},
): C {
  const options: ChannelOptions & { interceptors?: Interceptor[] } = { ...CHANNEL_OPTIONS };
  if (settings.token !== undefined) options.interceptors = [tokenInterceptor(settings.token)];
  if (settings.keepalive) {
    options["grpc.keepalive_time_ms"] = settings.keepalive.intervalMs;
    options["grpc.keepalive_timeout_ms"] = settings.keepalive.timeoutMs;
  }
  const host = address.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
  let verifyIp: string | undefined;
  if (settings.serverName) {
    options["grpc.ssl_target_name_override"] = settings.serverName;
  } else if (settings.tls && isIP(host)) {
    options["grpc.ssl_target_name_override"] = IP_SERVER_NAME;
    verifyIp = host;
  }
  return new ctor(byNameTarget(address), channelCredentials(settings.tls, verifyIp), options);
}
