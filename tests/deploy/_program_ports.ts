/**
 * Works out which ports a codegen-mcp container listens on from its arguments and
 * environment, the way the program's configuration does (a flag wins over its variable).
 * @module
 */
import { type Container, envValue } from "./_manifests.ts";

/** The value of `--name V` or `--name=V` in `args`, the last one winning. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  args.forEach((arg, i) => {
    if (arg === `--${name}`) found = args[i + 1];
    else if (arg.startsWith(`--${name}=`)) found = arg.slice(name.length + 3);
  });
  return found;
}

function setting(container: Container, flag: string, env: string): string | undefined {
  return flagValue(container.args ?? [], flag) ?? envValue(container, env);
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /(?:^|:)(\d+)$/.exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** A listener the program opens, by role. */
export interface ProgramListener {
  role: "http" | "grpc" | "admin" | "worker-grpc";
  port: number;
  /** The address it binds, when the configuration names one. */
  host?: string | undefined;
}

/**
 * The listeners of a `codegen-mcp serve` (coordinator) or `codegen-mcp worker` container.
 * Only explicit settings count: the manifests must say which ports they rely on.
 */
export function programListeners(
  container: Container,
  subcommand: "serve" | "worker",
): ProgramListener[] {
  const listeners: ProgramListener[] = [];
  function add(role: ProgramListener["role"], value: string | undefined, host?: string) {
    const p = port(value);
    if (p !== undefined) listeners.push({ role, port: p, host });
  }
  if (subcommand === "serve") {
    add("http", setting(container, "port", "HTTP_PORT"), setting(container, "host", "HTTP_HOST"));
    add("grpc", setting(container, "grpc-port", "GRPC_PORT"));
  } else {
    const listen = setting(container, "listen", "WORKER_LISTEN");
    add("worker-grpc", listen, listen?.replace(/:\d+$/, ""));
  }
  add("admin", setting(container, "admin-port", "ADMIN_PORT"));
  return listeners;
}
