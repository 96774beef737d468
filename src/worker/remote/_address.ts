import { joinHostPort, parseHostPort } from "../../config/mod.ts";

// one parser for the program (in config); the worker side keeps importing it from here
export { joinHostPort, parseHostPort };

/** Wildcard listen addresses cannot be dialled; advertise the host name instead. */
export function advertisedHost(listenHost: string): string {
  if (listenHost !== "0.0.0.0" && listenHost !== "::") return listenHost;
  try {
    return Deno.hostname();
  } catch {
    return "127.0.0.1";
  }
}
