/**
 * Keeps the worker's host paths out of the messages callers see. The file tools word their
 * own errors, but an operating-system error that escapes them (a race with another call of
 * the same session, say) names the path it failed on, and with it the workspace root and
 * the session's id.
 * @module
 */

/** The session's directories as the worker knows them. */
export interface SessionDirs {
  workspace: string;
  stateDir: string;
}

/** `message` with the session's directories replaced by what the caller knows them as. */
export function withoutHostPaths(message: string, dirs: SessionDirs): string {
  if (!message.includes("/")) return message;
  return message
    .replaceAll(`${dirs.workspace}/`, "")
    .replaceAll(dirs.workspace, ".")
    .replaceAll(dirs.stateDir, "<session state>");
}
