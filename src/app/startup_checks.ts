import {
  bareHost,
  isBindError,
  listenFailure,
  type ListenTarget,
  pathFailure,
  SETTING,
} from "../config/mod.ts";
import type { TlsPem } from "../rpc/mod.ts";

/**
 * Binds `target` once and lets it go. grpc-js binds in a later tick, where a refused net
 * permission is an uncaught exception and a taken port logs a line of its own; a plain
 * bind first fails here, catchably, naming the setting at fault.
 */
export function probeListen(target: ListenTarget): void {
  try {
    Deno.listen({ hostname: bareHost(target.host), port: target.port }).close();
  } catch (err) {
    if (!isBindError(err)) throw err;
    throw listenFailure(err, target);
  }
}

/**
 * Runs `start`, which binds `target`; a bind that fails because of the address asked for
 * becomes one line naming the setting at fault. Other errors are bugs and pass unchanged.
 */
export async function listenOn<T>(target: ListenTarget, start: () => T | Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw isBindError(err) ? listenFailure(err, target) : err;
  }
}

/**
 * Reads each TLS file given, once: grpc-js would read them deep inside, where a wrong path
 * names no flag, and a second read could see other bytes than the ones checked. Undefined
 * when no file is given.
 */
export function loadTls(
  files: { tlsCert?: string | undefined; tlsKey?: string | undefined; tlsCa?: string | undefined },
): TlsPem | undefined {
  const read = (flag: string, path: string | undefined): Uint8Array | undefined => {
    if (path === undefined) return undefined;
    try {
      return Deno.readFileSync(path);
    } catch (err) {
      throw pathFailure(err, path, flag);
    }
  };
  const pem = {
    cert: read(SETTING.tlsCert, files.tlsCert),
    key: read(SETTING.tlsKey, files.tlsKey),
    ca: read(SETTING.tlsCa, files.tlsCa),
  };
  return pem.cert || pem.key || pem.ca ? pem : undefined;
}
