/** What the host lets this process pass on to its sandboxes. */
export interface HostLimits {
  /**
   * The hard RLIMIT_NPROC: the highest process limit a sandbox's launcher, which holds no
   * CAP_SYS_RESOURCE, can set. Undefined when unlimited, or when it could not be read.
   */
  maxProcesses: number | undefined;
  /** Whether this process runs as root (its sandboxes then drop to a uid per workspace). */
  root: boolean;
}

// -1 is RLIM_INFINITY
const READ_NPROC = "import resource; print(resource.getrlimit(resource.RLIMIT_NPROC)[1])";

let cached: HostLimits | undefined;

/**
 * Reads {@link HostLimits} once. The limit is read by a child python3, which inherits it:
 * Deno lets only a process with every permission read /proc/self/limits. Synchronous, for
 * the configuration loader.
 */
export function hostLimits(): HostLimits {
  cached ??= { maxProcesses: readHardProcessLimit(), root: isRoot() };
  return cached;
}

// Never prompt: without the grant there is nothing to check against.
function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

function readHardProcessLimit(): number | undefined {
  if (!granted({ name: "run", command: "python3" })) return undefined;
  try {
    // no PATH given: Deno resolves "python3" against this process's own, as it did the grant
    const out = new Deno.Command("python3", {
      args: ["-I", "-c", READ_NPROC],
      clearEnv: true,
      env: {},
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const limit = Number(new TextDecoder().decode(out.stdout).trim());
    return out.success && Number.isSafeInteger(limit) && limit >= 0 ? limit : undefined;
  } catch {
    return undefined; // no python3 here (a coordinator for remote workers only): nothing to check
  }
}

function isRoot(): boolean {
  return granted({ name: "sys", kind: "uid" }) && Deno.uid() === 0;
}
