import { getLogger } from "./logger.ts";

const log = getLogger("http");

/** How long after its listener failed a server listens again. */
export const RELISTEN_MS = 1_000;

type Handler = Deno.ServeHandler<Deno.NetAddr>;
type Serve = (options: Deno.ServeTcpOptions, handler: Handler) => Deno.HttpServer<Deno.NetAddr>;

/** Options of {@link keepServing}. */
export interface KeepServingOptions {
  hostname: string;
  /** 0 picks a free port; a listener started again binds the port the first one got. */
  port: number;
  /** Names the listener in the log, e.g. "MCP HTTP". */
  name: string;
  /** Wait before listening again. Default {@link RELISTEN_MS}. */
  relistenMs?: number;
  /** Starts one listener. Default `Deno.serve`; tests pass a fake. */
  serve?: Serve;
}

/** A server that listens again when its listener fails. */
export interface KeptServer {
  /** The address the first listener bound. */
  addr: Deno.NetAddr;
  /** Stops listening for good and shuts every listener down gracefully. */
  shutdown(): Promise<void>;
  /** Settles once {@link shutdown} has finished. */
  finished: Promise<void>;
}

/**
 * `Deno.serve` that survives its accept loop failing. Deno ends the loop at the first
 * error of `accept()`: a client that opens connections until the process has no file
 * left (EMFILE) stops the listener, and its `finished` rejects, which kills a process
 * that does not catch it. Then the failed listener is shut down gracefully (its idle
 * connections close, requests under way finish) and a new one binds the same port after
 * `relistenMs`, again until it can. A failure at the first bind is thrown as usual.
 */
export function keepServing(options: KeepServingOptions, handler: Handler): KeptServer {
  const serve: Serve = options.serve ?? Deno.serve;
  const relistenMs = options.relistenMs ?? RELISTEN_MS;
  const { hostname, name } = options;
  const listeners = new Set<Deno.HttpServer<Deno.NetAddr>>();
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  const done = Promise.withResolvers<void>();

  function listen(port: number): Deno.HttpServer<Deno.NetAddr> {
    const server = serve({ hostname, port, onListen: () => {} }, handler);
    listeners.add(server);
    server.finished.then(() => listeners.delete(server), (err) => failed(server, err));
    return server;
  }

  function failed(server: Deno.HttpServer<Deno.NetAddr>, err: unknown): void {
    if (stopping) return void listeners.delete(server);
    log.error("{name} listener stopped accepting connections: {error}; listening again", {
      name,
      error: String(err),
    });
    // its connections live on until it is shut down: the idle ones hold the files
    void server.shutdown().catch(() => {}).finally(() => listeners.delete(server));
    relisten();
  }

  function relisten(): void {
    timer = setTimeout(() => {
      timer = undefined;
      if (stopping) return;
      try {
        listen(first.addr.port);
        failures = 0;
        log.info("{name} listening again on port {port}", { name, port: first.addr.port });
      } catch (err) {
        // once per outage: the log must not fill while the files stay taken
        if (failures++ === 0) {
          log.warn("{name} cannot listen again yet: {error}; retrying every {ms} ms", {
            name,
            error: String(err),
            ms: relistenMs,
          });
        }
        relisten();
      }
    }, relistenMs);
  }

  const first = listen(options.port);
  return {
    addr: first.addr,
    async shutdown() {
      stopping = true;
      clearTimeout(timer);
      await Promise.allSettled([...listeners].map((server) => server.shutdown()));
      done.resolve();
    },
    finished: done.promise,
  };
}
