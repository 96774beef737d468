/**
 * The README's command-line synopsis against the flags each command takes and what
 * `--help` prints: a flag added, renamed or dropped in one place fails here.
 * @module
 */
import assert from "node:assert/strict";
import { SERVE_OPTIONS, WORKER_OPTIONS } from "../../src/config/mod.ts";
import { runMain } from "../support/run_main.ts";
import { firstCodeBlock, readme, section } from "./_readme.ts";

// flags both listeners take, documented once under the synopsis
const TLS_FLAGS = ["--tls-ca", "--tls-cert", "--tls-key"];

/** Flags by command (`serve`, `worker`, ...) in a synopsis whose commands start `codegen-mcp `. */
function flagsByCommand(synopsis: string): Map<string, string[]> {
  const commands = new Map<string, string[]>();
  let current = "";
  for (const line of synopsis.split("\n")) {
    const start = /^\s*codegen-mcp (\S+)/.exec(line);
    if (start) current = start[1]!.replace(/^\[(.*)\]$/, "$1");
    // flags, not the paths of a URL given as an example value
    const flags = [...line.replace(/https?:\/\/\S+/g, "").matchAll(/--[a-z][a-z-]*/g)]
      .map((m) => m[0]);
    commands.set(current, [...(commands.get(current) ?? []), ...flags]);
  }
  for (const [name, flags] of commands) commands.set(name, [...new Set(flags)].sort());
  return commands;
}

function readmeCommands(): Map<string, string[]> {
  return flagsByCommand(firstCodeBlock(section(readme(), "Command line")));
}

Deno.test("the README's synopsis lists exactly the flags serve and worker take", () => {
  const commands = readmeCommands();
  const tls = section(readme(), "Command line");
  assert.ok(
    tls.includes("`--tls-cert FILE --tls-key FILE [--tls-ca FILE]` (coordinator and worker)"),
  );
  for (const [name, options] of [["serve", SERVE_OPTIONS], ["worker", WORKER_OPTIONS]] as const) {
    const documented = [...commands.get(name)!, ...TLS_FLAGS].sort();
    assert.deepEqual(documented, Object.keys(options).map((o) => `--${o}`).sort(), name);
  }
});

Deno.test("--help shows the same commands and flags as the README's synopsis", async () => {
  const out = await runMain(["--help"]);
  assert.equal(out.code, 0);
  const start = out.stdout.indexOf("Usage:");
  const usage = out.stdout.slice(start, out.stdout.indexOf("\n\n", start));
  const help = flagsByCommand(usage.replace("Usage:", ""));
  help.delete("");
  assert.deepEqual(help, readmeCommands());
  for (const flag of TLS_FLAGS) assert.ok(out.stdout.includes(flag), flag);
});

Deno.test("--version prints the version deno.json names, and exits 0", async () => {
  const { version } = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const out = await runMain(["--version"]);
  assert.deepEqual([out.code, out.stdout], [0, `codegen-mcp ${version}\n`]);
});

Deno.test("an unknown command or a bad audit command line is one line on stderr and exit 2", async () => {
  for (
    const args of [["bogus"], ["audit"], ["audit", "check", "f"], ["permissions", "--set", "x"]]
  ) {
    const out = await runMain(args);
    assert.equal(out.code, 2, args.join(" "));
    assert.equal(out.stdout, "");
    assert.equal(out.stderr.trim().split("\n").length, 1, out.stderr);
  }
});
