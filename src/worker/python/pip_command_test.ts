import assert from "node:assert/strict";
import { listInstalledArgv, parseInstalled, pipInstallArgv } from "./pip_command.ts";
import { parseRequirements } from "./requirements.ts";

Deno.test("pipInstallArgv() installs offline from the download directory, wheels only", () => {
  const reqs = parseRequirements(["demo>=1", "other[x]"]);
  const argv = pipInstallArgv(reqs, { upgrade: true, noDeps: true });
  assert.equal(argv[0], "/venv/bin/python3");
  assert.ok(
    argv.includes("--isolated") && argv.includes("--upgrade") && argv.includes("--no-deps"),
  );
  assert.ok(argv.includes("--no-index"));
  assert.ok(!argv.includes("--index-url") && !argv.includes("--trusted-host"));
  assert.equal(argv[argv.indexOf("--find-links") + 1], "/pip-downloads");
  assert.equal(argv[argv.indexOf("--only-binary") + 1], ":all:");
  assert.deepEqual(argv.slice(argv.indexOf("--")), ["--", "demo>=1", "other[x]"]);
  const plain = pipInstallArgv(reqs);
  assert.ok(!plain.includes("--upgrade") && !plain.includes("--no-deps"));
});

const pip = { exitCode: 0, stdout: "Successfully installed demo-pkg-1.0\n" };

Deno.test("parseInstalled() reports projects that satisfy their specifiers, in request order", () => {
  const reqs = parseRequirements(["Demo_Pkg", "missing", "demo-pkg>=1"]);
  const row = { name: "demo.pkg", version: "1.0", satisfied: true };
  const out = `noise\n${JSON.stringify([row, null, row])}\n`;
  assert.deepEqual(parseInstalled(out, reqs, pip), {
    installed: [{ name: "demo.pkg", version: "1.0" }],
    failed: ["missing"],
  });
  assert.equal(parseInstalled("Traceback", reqs, pip), undefined);
  // one row per requirement, or the output is not the query's
  assert.equal(parseInstalled(JSON.stringify([row]), reqs, pip), undefined);
});

Deno.test("parseInstalled() fails a project whose installed version misses the specifier", () => {
  // pytest==99.0 while the system's site-packages hold pytest 7.2.1
  const reqs = parseRequirements(["pytest==99.0", "demo", "demo>=2"]);
  const rows = [
    { name: "pytest", version: "7.2.1", satisfied: false },
    { name: "demo", version: "1.0", satisfied: true },
    { name: "demo", version: "1.0", satisfied: false },
  ];
  assert.deepEqual(parseInstalled(JSON.stringify(rows), reqs, pip), {
    installed: [],
    failed: ["pytest", "demo"],
  });
});

Deno.test("parseInstalled() after a failed pip counts only what pip said was already satisfied", () => {
  const reqs = parseRequirements([
    "pytest",
    "demo-pkg",
    "no-such-pkg",
    "win-only; os_name == 'nt'",
  ]);
  const rows = [
    { name: "pytest", version: "7.2.1", satisfied: true },
    { name: "demo_pkg", version: "1.0", satisfied: true },
    null,
    { ignored: true },
  ];
  const failedPip = {
    exitCode: 1,
    stdout: "Requirement already satisfied: Demo.Pkg in /venv/lib/python3.11/site-packages (1.0)\n",
  };
  assert.deepEqual(parseInstalled(JSON.stringify(rows), reqs, failedPip), {
    installed: [{ name: "demo_pkg", version: "1.0" }],
    failed: ["pytest", "no-such-pkg"],
  });
});

// The query below runs on the host's python3 and asks it about its own pip (Debian's
// python3 has none without python3-pip): skipped there, but never under CI.
function hostPipMissing(): boolean {
  let found = false;
  try {
    found = new Deno.Command("python3", { args: ["-c", "import pip"], stderr: "null" })
      .outputSync().success;
  } catch {
    // no python3 at all
  }
  if (found || Deno.env.get("CI") === "true") return false;
  // deno-lint-ignore no-console
  console.warn("skipping: python3 with pip not installed (apt-get install python3-pip)");
  return true;
}

Deno.test({
  name: "the installed-packages query checks versions against the specifiers",
  ignore: hostPipMissing(),
  fn: checkInstalledQuery,
});

async function checkInstalledQuery(): Promise<void> {
  // the query itself, run by the host's python3 against its own pip
  const reqs = parseRequirements([
    "pip==0.0.1",
    "pip>=1",
    "no-such-pkg-xyz",
    "pip; os_name == 'x'",
  ]);
  const [, ...args] = listInstalledArgv(reqs);
  const { code, stdout, stderr } = await new Deno.Command("python3", { args }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const rows = JSON.parse(text);
  assert.equal(rows.length, 4);
  assert.equal(rows[0].name, "pip");
  assert.equal(rows[0].satisfied, false);
  assert.equal(rows[1].satisfied, true);
  assert.equal(rows[2], null);
  assert.deepEqual(rows[3], { ignored: true });
  const verdict = parseInstalled(text, reqs, pip);
  assert.deepEqual(verdict?.failed, ["pip", "no-such-pkg-xyz"]);
  assert.deepEqual(verdict?.installed, []);
}
