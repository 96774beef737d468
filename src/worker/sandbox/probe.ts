import { getLogger } from "../../core/mod.ts";
import { bwrapArgs } from "./bwrap_args.ts";
import { hostLayout } from "./host_layout.ts";
import { sandboxUidFor } from "./sandbox_uid.ts";

const log = getLogger("worker", "sandbox");
let probed: Promise<boolean> | undefined;

/**
 * Whether bubblewrap is installed and can build the sandbox this worker uses (namespaces,
 * mounts, the rlimit and uid-dropping launcher). Probed once: one real sandboxed `true`.
 */
export function bubblewrapAvailable(): Promise<boolean> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<boolean> {
  try {
    const asRoot = Deno.uid() === 0;
    const args = bwrapArgs({
      argv: ["true"],
      workspace: "",
      env: { PATH: "/usr/bin:/bin" },
      limits: { cpuSeconds: 5, memoryBytes: 512 * 1024 * 1024, maxProcesses: 16, maxFileBytes: 1 },
    }, {
      layout: hostLayout(),
      dropToUid: asRoot ? sandboxUidFor("probe") : undefined,
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
    if (!out.success) {
      const reason = new TextDecoder().decode(out.stderr).trim().slice(0, 500);
      log.warn("bubblewrap is installed but cannot start a sandbox: {reason}", { reason });
    }
    return out.success;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      log.warn("bubblewrap probe failed: {error}", { error: String(err) });
    }
    return false;
  }
}
