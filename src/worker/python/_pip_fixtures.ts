/**
 * A scripted stand-in for the sandbox runner that plays pkg.install's steps, for tests of
 * what pkgInstall() does with each step's outcome without starting pip.
 * @module
 */
import type { SandboxRunner } from "../sandbox/runner.ts";

/** How the scripted steps end: exit codes, and the signal of a step killed by one. */
export interface ScriptedEnds {
  downloadExit?: number;
  downloadSignal?: string;
  createExit?: number;
  pipExit?: number;
  pipSignal?: string;
}

/** A runner that plays the four pkg.install steps without starting anything. */
export function scriptedRunner(
  options: ScriptedEnds = {},
): { runner: SandboxRunner; calls: string[] } {
  const calls: string[] = [];
  const runner: SandboxRunner = {
    kind: "bubblewrap",
    async run(spec) {
      const venvHost = spec.mounts?.find((m) => m.sandbox === "/venv")?.host ?? "";
      const base = {
        stdout: "",
        stderr: "",
        signal: undefined,
        timedOut: false,
        cancelled: false,
        truncated: false,
        durationMs: 1,
      };
      if (spec.network) {
        calls.push("download");
        const exitCode = options.downloadExit ?? 0;
        const stderr = exitCode ? "ERROR: No matching distribution found for demo\n" : "";
        spec.onOutput?.("stderr", stderr);
        return { ...base, exitCode, stderr, signal: options.downloadSignal };
      }
      if (spec.argv.at(-1) === "/venv") {
        calls.push("create");
        const exitCode = options.createExit ?? 0;
        if (exitCode === 0) await Deno.writeTextFile(`${venvHost}/pyvenv.cfg`, "home = /usr/bin\n");
        else await Deno.writeTextFile(`${venvHost}/partial`, "");
        return { ...base, exitCode, stderr: exitCode ? "Error: venv module is broken\n" : "" };
      }
      if (spec.argv.includes("install")) {
        calls.push("pip");
        const exitCode = options.pipExit ?? 0;
        const stdout = exitCode ? "" : "Successfully installed demo-1.0\n";
        spec.onOutput?.("stdout", stdout);
        spec.onOutput?.("stderr", exitCode ? "ERROR: No matching distribution found\n" : "");
        return { ...base, exitCode, stdout, signal: options.pipSignal };
      }
      calls.push("list");
      const row = { name: "demo", version: "1.0", satisfied: true };
      return {
        ...base,
        exitCode: 0,
        stdout: `${JSON.stringify([options.pipExit ? null : row])}\n`,
      };
    },
  };
  return { runner, calls };
}
