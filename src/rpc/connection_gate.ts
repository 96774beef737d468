/**
 * Bounds the TCP connections a gRPC listener keeps. grpc-js has no connection limit: every
 * accepted connection holds an HTTP/2 session (about 60 KB) whether or not it ever makes a
 * call, so anyone who can reach the port could take the process's memory with idle
 * connections, no token needed. Here a connection is *unproven* until a call on it passes
 * the token check: unproven ones are few (`maxUnproven`, at most `maxUnprovenPerHost` from
 * one address) and short-lived (`proveWithinMs`), and all together are at most
 * `maxConnections`. When the unproven are at their bound, the oldest of them makes room for a
 * new one, so a flood from elsewhere delays but does not lock out a caller that connects and
 * calls at once (as gRPC clients do). A proven connection stays as long as its peer keeps it.
 * @module
 */
import type net from "node:net";

/** Limits for {@link ConnectionGate}. */
export interface ConnectionLimits {
  /** Connections open at once, proven or not; more are closed on arrival. */
  maxConnections: number;
  /** Connections open at once that have not yet made an admitted call. */
  maxUnproven: number;
  /** Of those, from one remote address; more from there are closed on arrival. */
  maxUnprovenPerHost: number;
  /** An unproven connection is closed this long after it opened. */
  proveWithinMs: number;
  /**
   * An unproven connection is closed once this many of its calls were refused: a client
   * with a wrong token needs one to learn it, a stream of them (HTTP/2 rapid reset: open a
   * call, cancel it, again) costs the server per call.
   */
  maxRefusedCalls: number;
}

/**
 * Defaults: a fleet keeps one connection per worker to the coordinator's lifecycle port
 * and one from the coordinator to each worker, so 4,096 is far above any fleet this
 * coordinator's registry is sized for; a call arrives right after its connection opens,
 * so 10 s is ample even for a TLS handshake across regions.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 4_096,
  maxUnproven: 64,
  maxUnprovenPerHost: 8,
  proveWithinMs: 10_000,
  maxRefusedCalls: 8,
};

/** Why the gate closed a connection, as the end of "Closed a connection from X: ...". */
export type GateRefusal =
  | "its calls were refused maxRefusedCalls times"
  | "the listener has maxConnections open"
  | "its address has maxUnprovenPerHost connections that made no call yet"
  | "it was the oldest of maxUnproven connections that made no call yet"
  | "it made no admitted call in time";

/** How long a refused call's answer has to leave before its connection is closed. */
const REFUSAL_DRAIN_MS = 100;

const EVICTED = "it was the oldest of maxUnproven connections that made no call yet";

interface Tracked {
  socket: net.Socket;
  host: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  refused: number;
}

/** The key gRPC's `getPeer()` gives the same connection. */
export function peerKey(socket: Pick<net.Socket, "remoteAddress" | "remotePort">): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/** Admits, tracks and closes the connections of one listener (see the module doc). */
export class ConnectionGate {
  readonly #limits: ConnectionLimits;
  readonly #onRefused: (why: GateRefusal, peer: string) => void;
  readonly #open = new Map<string, Tracked>();
  // the unproven by peer, oldest first, and how many each host has
  readonly #unproven = new Map<string, Tracked>();
  readonly #perHost = new Map<string, number>();
  #drained: (() => void)[] = [];

  constructor(
    limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
    onRefused: (why: GateRefusal, peer: string) => void = () => {},
  ) {
    this.#limits = limits;
    this.#onRefused = onRefused;
  }

  /** Connections open now, and how many of them are unproven. */
  get counts(): { open: number; unproven: number } {
    return { open: this.#open.size, unproven: this.#unproven.size };
  }

  /**
   * Takes a newly accepted socket: true when it may be served, false when it was closed
   * (over a limit, or already gone).
   */
  admit(socket: net.Socket): boolean {
    const peer = peerKey(socket);
    const host = socket.remoteAddress;
    if (host === undefined || this.#open.has(peer)) {
      socket.destroy();
      return false;
    }
    const why = this.#open.size >= this.#limits.maxConnections
      ? "the listener has maxConnections open"
      : (this.#perHost.get(host) ?? 0) >= this.#limits.maxUnprovenPerHost
      ? "its address has maxUnprovenPerHost connections that made no call yet"
      : undefined;
    if (why) {
      socket.destroy();
      this.#onRefused(why, peer);
      return false;
    }
    if (this.#unproven.size >= this.#limits.maxUnproven) {
      const [oldest, tracked] = this.#unproven.entries().next().value!;
      this.#onRefused(EVICTED, oldest);
      this.#close(oldest, tracked);
    }
    const tracked: Tracked = { socket, host, timer: undefined, refused: 0 };
    tracked.timer = setTimeout(() => {
      this.#onRefused("it made no admitted call in time", peer);
      this.#close(peer, tracked);
    }, this.#limits.proveWithinMs);
    this.#unproven.set(peer, tracked);
    this.#perHost.set(host, (this.#perHost.get(host) ?? 0) + 1);
    this.#open.set(peer, tracked);
    socket.once("close", () => this.#forget(peer, tracked));
    return true;
  }

  /** The connection from `peer` made a call that passed the token check. */
  prove(peer: string): void {
    const tracked = this.#open.get(peer);
    if (tracked) this.#settle(peer, tracked);
  }

  /** A call on the connection from `peer` was refused (a bad token): closed past the bound. */
  refused(peer: string): void {
    const tracked = this.#open.get(peer);
    if (tracked?.timer === undefined) return; // proven, or gone
    if (++tracked.refused !== this.#limits.maxRefusedCalls) return;
    this.#onRefused("its calls were refused maxRefusedCalls times", peer);
    // after the refusal on its way out, so the caller still reads why
    setTimeout(() => {
      if (tracked.timer !== undefined) this.#close(peer, tracked); // unless proven since
    }, REFUSAL_DRAIN_MS);
  }

  /** Resolves once no connection is open. */
  drained(): Promise<void> {
    if (this.#open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Closes every connection (after a shutdown's grace). */
  destroyAll(): void {
    for (const { socket } of [...this.#open.values()]) socket.destroy();
  }

  // no longer unproven: proven, timed out, evicted or closed
  #settle(peer: string, tracked: Tracked): void {
    if (tracked.timer === undefined) return;
    clearTimeout(tracked.timer);
    tracked.timer = undefined;
    this.#unproven.delete(peer);
    const left = (this.#perHost.get(tracked.host) ?? 1) - 1;
    if (left > 0) this.#perHost.set(tracked.host, left);
    else this.#perHost.delete(tracked.host);
  }

  // closed by the gate: no longer counted, though its close event is still to come
  #close(peer: string, tracked: Tracked): void {
    this.#forget(peer, tracked);
    tracked.socket.destroy();
  }

  #forget(peer: string, tracked: Tracked): void {
    if (this.#open.get(peer) !== tracked) return;
    this.#open.delete(peer);
    this.#settle(peer, tracked);
    if (this.#open.size === 0) { for (const resolve of this.#drained.splice(0)) resolve(); }
  }
}
