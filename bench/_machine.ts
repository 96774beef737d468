/**
 * What the figures were measured on: cores, CPU, OS and the runtimes involved.
 * @module
 */

/** The machine and runtime versions of one run. */
export interface MachineInfo {
  cores: number;
  cpu: string;
  os: string;
  deno: string;
  v8: string;
  node: string;
  python: string;
}

/** Collects {@link MachineInfo}; a runtime that is missing reads as `not found`. */
export async function machineInfo(): Promise<MachineInfo> {
  return {
    cores: navigator.hardwareConcurrency,
    cpu: await cpuModel(),
    os: `${Deno.build.os} ${Deno.build.arch} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    node: await commandOutput("node", ["--version"]),
    python: await commandOutput("python3", ["--version"]),
  };
}

/** Linux only; read with grep because Deno allows `/proc` reads only with full access. */
async function cpuModel(): Promise<string> {
  const line = await commandOutput("grep", ["-m1", "^model name", "/proc/cpuinfo"]);
  return line.match(/^model name\s*:\s*(.+)$/)?.[1]?.trim() ?? "unknown";
}

async function commandOutput(command: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return text.trim() || "unknown";
  } catch {
    return "not found";
  }
}
