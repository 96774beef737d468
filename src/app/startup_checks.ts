import {
  bareHost,
  isBindError,
  listenFailure,
  type ListenTarget,
  pathFailure,
  SETTING,
} from "../config/mod.ts";
import { checkTlsPem, type TlsPem } from "../rpc/mod.ts";

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
 * Creates the workspace root, checks that sessions can be made in it, and returns its real
 * path; a root that is a file or cannot be written (under /proc, say) fails here, naming
 * the setting, instead of in every call later with a host path in the message.
 */
export async function prepareWorkspaceRoot(root: string): Promise<string> {
  try {
    await Deno.mkdir(root, { recursive: true, mode: 0o700 });
    const real = await Deno.realPath(root);
    await Deno.remove(await Deno.makeTempDir({ dir: real, prefix: ".start-" }));
    return real;
  } catch (err) {
    throw pathFailure(err, root, SETTING.workspaceRoot);
  }
}

/**
 * Reads each TLS file given, once, and checks what it holds: grpc-js would read them deep
 * inside, where a wrong path names no flag, a second read could see other bytes than the
 * ones checked, and bad contents would fail every handshake with nothing logged. Undefined
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
  if (!pem.cert && !pem.key && !pem.ca) return undefined;
  const check = checkTlsPem(pem);
  if (!check.ok) {
    const at = {
      cert: { flag: SETTING.tlsCert, path: files.tlsCert },
      key: { flag: SETTING.tlsKey, path: files.tlsKey },
      ca: { flag: SETTING.tlsCa, path: files.tlsCa },
    }[check.part];
    throw pathFailure(new Error(check.reason), at.path ?? "", at.flag);
  }
  return pem;
}
