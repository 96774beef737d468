// Backstop for calls that outlive their connection without noticing (keepalive covers
// silent hosts): the channel was closed here, or it has failed to reconnect for a second.
// A brief failure is tolerated because a stream may still finish on a connection that got
// a graceful GOAWAY while a new connection is refused.
import { type Client, connectivityState } from "@grpc/grpc-js";

type Channel = ReturnType<Client["getChannel"]>;

/** Calls `onLost` once the channel is lost; returns the function that stops watching. */
export function watchChannel(channel: Channel, everyMs: number, onLost: () => void): () => void {
  let failingFor = 0;
  const timer = setInterval(() => {
    const state = channel.getConnectivityState(false);
    failingFor = state === connectivityState.TRANSIENT_FAILURE ? failingFor + everyMs : 0;
    if (state === connectivityState.SHUTDOWN || failingFor >= 1_000) {
      clearInterval(timer);
      onLost();
    }
  }, everyMs);
  return () => clearInterval(timer);
}
