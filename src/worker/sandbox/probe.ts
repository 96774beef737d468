import { getLogger } from "../../core/mod.ts";
import { bwrapArgs } from "./bwrap_args.ts";
import { hostLayout } from "./host_layout.ts";
import { sandboxUidFor } from "./sandbox_uid.ts";

const log = getLogger("worker", "sandbox");

/** What this host's bubblewrap can do. */
export interface SandboxSupport {
  available: boolean;
  /**
   * Under a root worker: whether a second, unprivileged bubblewrap can wrap the command in
   * its own user namespace with further user namespaces disabled (needs unprivileged
   * user namespaces on the host).
   */
  nestedUserns: boolean;
}

let probed: Promise<SandboxSupport> | undefined;

/**
 * Whether bubblewrap is installed and can build the sandbox this worker uses (namespaces,
 * mounts, the rlimit and uid-dropping launcher). Probed once, with real sandboxed `true`s.
 */
export async function bubblewrapAvailable(): Promise<boolean> {
  return (await sandboxSupport()).available;
}

/** The probed {@link SandboxSupport}, cached for the process. */
export function sandboxSupport(): Promise<SandboxSupport> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<SandboxSupport> {
  const asRoot = Deno.uid() === 0;
  if (asRoot && (await tryLaunch(true)) === "") return { available: true, nestedUserns: true };
  const reason = await tryLaunch(false);
  if (reason !== "") {
    if (reason !== "missing") {
      log.warn("bubblewrap is installed but cannot start a sandbox: {reason}", { reason });
    }
    return { available: false, nestedUserns: false };
  }
  if (asRoot) {
    log.warn(
      "Unprivileged user namespaces are unavailable: sandboxed code runs without its own " +
        "user namespace and may create one",
    );
  }
  return { available: true, nestedUserns: false };
}

/** Launches a sandboxed `true`; returns "" on success, else why it failed. */
async function tryLaunch(nestedUserns: boolean): Promise<string> {
  try {
    const args = bwrapArgs({
      argv: ["true"],
      workspace: "",
      env: { PATH: "/usr/bin:/bin" },
      limits: { cpuSeconds: 5, memoryBytes: 512 * 1024 * 1024, maxProcesses: 16, maxFileBytes: 1 },
    }, {
      layout: hostLayout(),
      dropToUid: Deno.uid() === 0 ? sandboxUidFor("probe") : undefined,
      nestedUserns,
      emptyWorkspace: true,
    });
    const out = await new Deno.Command("bwrap", {
      args,
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return "";
    return new TextDecoder().decode(out.stderr).trim().slice(0, 500) || `exit ${out.code}`;
  } catch (err) {
    return err instanceof Deno.errors.NotFound ? "missing" : String(err);
  }
}
