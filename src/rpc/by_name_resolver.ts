import { type ChannelOptions, experimental, status as Status } from "@grpc/grpc-js";

/** Target scheme whose host is handed to the socket by name, unresolved. */
const SCHEME = "codegen-byname";

/**
 * grpc-js resolves a target's host name itself and connects to the address it got, so
 * Deno checks the net grant against that IP: a binary granted `*.svc.cluster.local` could
 * not reach `coordinator.ns.svc.cluster.local`. This resolver passes the name through; the
 * socket resolves it and Deno checks the name, as for any other connection.
 */
class ByNameResolver implements experimental.Resolver {
  #target: experimental.GrpcUri;
  #listener: experimental.ResolverListener;
  #reported = false;

  constructor(
    target: experimental.GrpcUri,
    listener: experimental.ResolverListener,
    _options: ChannelOptions,
  ) {
    this.#target = target;
    this.#listener = listener;
  }

  // The answer never changes (each connection attempt resolves the name afresh), so it is
  // given once: answering every re-resolution request would restart the connection attempt
  // each time and a call would never fail.
  updateResolution(): void {
    if (this.#reported) return;
    this.#reported = true;
    const hostPort = experimental.splitHostPort(this.#target.path);
    // never synchronously (the Resolver contract)
    queueMicrotask(() => {
      if (!hostPort || hostPort.port === undefined) {
        const details = `Cannot dial "${this.#target.path}": expected host:port`;
        this.#listener(
          experimental.statusOrFromError({ code: Status.UNAVAILABLE, details }),
          {},
          null,
          "",
        );
        return;
      }
      const address = { host: hostPort.host, port: hostPort.port };
      this.#listener(experimental.statusOrFromValue([{ addresses: [address] }]), {}, null, "");
    });
  }

  destroy(): void {
    this.#reported = false;
  }

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return target.path;
  }
}

let registered = false;

/** `address` ("host:port") as a target dialled by name; registers the scheme once. */
export function byNameTarget(address: string): string {
  if (!registered) {
    experimental.registerResolver(SCHEME, ByNameResolver);
    registered = true;
  }
  return `${SCHEME}:${address}`;
}
