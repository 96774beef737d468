/**
 * A harmless check run inside a narrowed Deno Worker (audit and worker threads): reports whether an operation is
 * permitted there without ever performing a permitted one. When the thread holds the
 * permission the answer comes from `Deno.permissions.query` alone; only a denied operation
 * is attempted, so the runtime itself refuses it and the error class (`NotCapable`) is what
 * the caller sees.
 * @module
 */

/** One operation to check. */
export type ProbeOp =
  | { op: "read"; path: string }
  | { op: "write"; path: string }
  | { op: "net"; hostname: string; port: number }
  | { op: "env"; name: string }
  | { op: "run"; command: string }
  | { op: "sys"; kind: "hostname" | "osRelease" | "uid" };

/** Whether the operation is permitted; if not, the name of the error the runtime threw. */
export type ProbeResult =
  | { permitted: true }
  | { permitted: false; error: string; message: string };

function descriptor(op: ProbeOp): Deno.PermissionDescriptor {
  switch (op.op) {
    case "read":
      return { name: "read", path: op.path };
    case "write":
      return { name: "write", path: op.path };
    case "net":
      return { name: "net", host: `${op.hostname}:${op.port}` };
    case "env":
      return { name: "env", variable: op.name };
    case "run":
      return { name: "run", command: op.command };
    case "sys":
      return { name: "sys", kind: op.kind };
  }
}

// Each attempt is reached only when the query said "not granted"; if the runtime lets it
// through anyway, whatever it opened is released at once.
async function attempt(op: ProbeOp): Promise<void> {
  switch (op.op) {
    case "read":
      (await Deno.open(op.path, { read: true })).close();
      return;
    case "write": {
      // createNew: never truncates or touches an existing file
      (await Deno.open(op.path, { write: true, createNew: true })).close();
      await Deno.remove(op.path);
      return;
    }
    case "net":
      (await Deno.connect({ hostname: op.hostname, port: op.port })).close();
      return;
    case "env":
      Deno.env.get(op.name);
      return;
    case "run": {
      const child = new Deno.Command(op.command, {
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      child.kill("SIGKILL");
      await child.status;
      return;
    }
    case "sys":
      if (op.kind === "hostname") Deno.hostname();
      else if (op.kind === "osRelease") Deno.osRelease();
      else Deno.uid();
      return;
  }
}

/** Checks `op` in the calling thread; see the module comment for why this is harmless. */
export async function probePermission(op: ProbeOp): Promise<ProbeResult> {
  const status = await Deno.permissions.query(descriptor(op));
  if (status.state === "granted") return { permitted: true };
  try {
    await attempt(op);
    return { permitted: true };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { permitted: false, error: e.name, message: e.message };
  }
}
