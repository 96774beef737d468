import {
  bareHost,
  isBindError,
  listenFailure,
  type ListenTarget,
  pathFailure,
  SETTING,
} from "../config/mod.ts";

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

/** Reads each TLS file given: grpc-js reads them deep inside, where a wrong path names no flag. */
export function checkTlsFiles(
  files: { tlsCert?: string | undefined; tlsKey?: string | undefined; tlsCa?: string | undefined },
): void {
  const given: [string, string | undefined][] = [
    [SETTING.tlsCert, files.tlsCert],
    [SETTING.tlsKey, files.tlsKey],
    [SETTING.tlsCa, files.tlsCa],
  ];
  for (const [flag, path] of given) {
    if (path === undefined) continue;
    try {
      Deno.readFileSync(path);
    } catch (err) {
      throw pathFailure(err, path, flag);
    }
  }
}
