/**
 * Start-up failures that are the configuration's fault (a taken port, a host this program
 * may not bind, an unusable path): one line for the user and exit code 2, like a bad
 * value, instead of a stack trace.
 * @module
 */
import { CodegenError } from "../core/mod.ts";
import { bareHost, joinHostPort } from "./hostname.ts";

/** What a listener was asked to bind, and the settings that asked for it. */
export interface ListenTarget {
  host: string;
  port: number;
  /** `--host (HTTP_HOST)`. */
  hostSetting: string;
  /** `--port (HTTP_PORT)`. */
  portSetting: string;
}

/** An error's message for one line; Deno's advice to pass --allow-* does not apply here. */
export function errorDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Deno.errors.NotCapable) {
    return `${message.replace(/, run again with .*$/, "")} (outside this program's permissions)`;
  }
  return message;
}

/**
 * Whether binding a listener failed because of the address asked for: taken, privileged,
 * not on this machine, outside the permissions, malformed, or a name that does not resolve.
 */
export function isBindError(err: unknown): boolean {
  return err instanceof Deno.errors.AddrInUse || err instanceof Deno.errors.AddrNotAvailable ||
    err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied ||
    err instanceof URIError ||
    (err instanceof Error && /failed to lookup address/.test(err.message));
}

/** A `CONFIG_INVALID` error for a listener that could not bind, naming the setting at fault. */
export function listenFailure(err: unknown, target: ListenTarget): CodegenError {
  // a taken or privileged port is the port's fault; anything else (a bad or foreign host) the host's
  const portsFault = err instanceof Deno.errors.AddrInUse ||
    err instanceof Deno.errors.PermissionDenied;
  const setting = portsFault ? target.portSetting : target.hostSetting;
  const address = joinHostPort(bareHost(target.host), target.port);
  return new CodegenError(
    "CONFIG_INVALID",
    `Cannot listen on "${address}" (check ${setting}): ${errorDetail(err)}`,
    { cause: err },
  );
}

/** A `CONFIG_INVALID` error for a configured path that cannot be created or used. */
export function pathFailure(err: unknown, path: string, setting: string): CodegenError {
  return new CodegenError(
    "CONFIG_INVALID",
    `Cannot use ${setting} "${path}": ${errorDetail(err)}`,
    { cause: err },
  );
}

/**
 * The one line to print when start-up failed because of the configuration, or undefined
 * for any other error (a bug, which keeps its stack trace).
 */
export function startupFailure(err: unknown): string | undefined {
  if (err instanceof CodegenError) return err.code === "CONFIG_INVALID" ? err.message : undefined;
  if (err instanceof Deno.errors.AddrInUse || err instanceof Deno.errors.NotCapable) {
    return errorDetail(err);
  }
  return undefined;
}
