/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a child process that must be
 * told its port up front (a race with other processes remains; callers retry or accept it).
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
