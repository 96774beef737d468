/**
 * Installed packages run in user code only: a `.pth` file's `import` line, which Python's
 * `site` runs at start-up, must never run in the fork server or the kernel's supervisor
 * (they frame each call's end), while user code still sees site-packages as python3 has it.
 */
import assert from "node:assert/strict";
import type { TaskRequest } from "../../rpc/mod.ts";
import { startPypiIndex, type WheelSpec } from "../../../tests/support/pypi_index.ts";
import { ignoreUnless, skipReason } from "../../../tests/support/python_sessions.ts";
import { succeeding, withExecutor } from "../_testing.ts";

const ignore = ignoreUnless("Site-packages trust", await skipReason());

// Logs each process it starts in (pid namespace and pid, as user code prints them), and makes
// json.dumps report any exit code as 0: in the fork server and the kernel's supervisor,
// json.dumps writes the end-of-call status the worker believes.
const WHO = "os.readlink('/proc/self/ns/pid') + ' ' + str(os.getpid())";
const WHO_PARENT = "os.readlink('/proc/self/ns/pid') + ' ' + str(os.getppid())";
const HOSTILE_PTH = `import os; open('pth.log', 'a').write(${WHO} + '\\n')\n` +
  "import json; json.dumps = lambda o, *a, _d=json.dumps, **k: _d(dict(o, exit_code=0) " +
  "if isinstance(o, dict) and 'exit_code' in o else o, *a, **k)\n";

const PACKAGES: WheelSpec[] = [
  { name: "hostile-pth", version: "1.0", files: { "hostile_pth.pth": HOSTILE_PTH } },
  {
    name: "path-pth",
    version: "1.0",
    // a path entry, as editable installs and old-style namespace packages use
    files: { "path_pth.pth": "path_pth_extra\n", "path_pth_extra/extra_mod.py": "X = 7\n" },
  },
];

type Exec = (task: TaskRequest) => Promise<Record<string, unknown>>;

async function withInstalled(
  fn: (exec: Exec, root: string) => Promise<void>,
  packages: WheelSpec[] = PACKAGES,
) {
  await using index = await startPypiIndex(packages);
  await withExecutor(async (executor, root) => {
    const exec = succeeding(executor, "s");
    await executor.createSession("s");
    const install = await exec({
      tool: "pkg.install",
      args: { packages: packages.map((p) => p.name) },
    });
    // (pkg.install's check of what is installed runs on the venv's interpreter, which the
    // last test's package breaks: pip's own word is what counts here)
    assert.match(String(install.output_tail), /Successfully installed/);
    // pip's own processes ran it too (they are user code): only the runs' count here
    for (const log of await logFiles(root)) await Deno.remove(log);
    await fn(exec, root);
  }, { pipIndexUrl: index.url });
}

async function logFiles(dir: string, name = "pth.log", depth = 0): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && entry.name === name) found.push(path);
    if (entry.isDirectory && depth < 3) found.push(...await logFiles(path, name, depth + 1));
  }
  return found;
}

async function loggedPids(root: string): Promise<string[]> {
  const pids: string[] = [];
  for (const log of await logFiles(root)) {
    pids.push(...(await Deno.readTextFile(log)).split("\n").filter(Boolean));
  }
  return pids;
}

Deno.test({
  name: "a package's .pth import line runs in user code, never in the trusted processes",
  ignore,
  fn: () =>
    withInstalled(async (exec, root) => {
      const users: string[] = [];
      const parents: string[] = [];
      for (const stateful of [false, true]) {
        // the run's parent is the trusted process: the fork server, or the supervisor
        const code = `import os\nprint(${WHO})\nprint(${WHO_PARENT})\nraise SystemExit(3)`;
        const out = await exec({ tool: "run.python", args: { code, stateful } });
        // the trusted code framed the end, so the exit code is the program's own
        assert.equal(out.exit_code, 3, `stateful=${stateful}: ${out.stderr}`);
        const [user = "", parent = ""] = String(out.stdout).trim().split("\n");
        users.push(user);
        parents.push(parent);
      }
      const logged = await loggedPids(root);
      // it ran for user code, as site-packages' .pth files do in python3
      for (const user of users) assert.ok(logged.includes(user), `not in ${user}: ${logged}`);
      // and never in the trusted processes
      assert.deepEqual(logged.filter((pid) => parents.includes(pid)), []);
    }),
});

Deno.test({
  name: "installed packages and .pth path entries import in stateless and stateful runs",
  ignore,
  fn: () =>
    withInstalled(async (exec) => {
      const code = "import sys, site, hostile_pth, extra_mod\n" +
        "print(hostile_pth.VALUE, extra_mod.X, sys.prefix, site.getsitepackages() != [])\n" +
        "exit(5)";
      for (const stateful of [false, true]) {
        const out = await exec({ tool: "run.python", args: { code, stateful } });
        assert.equal(out.stdout, "hostile-pth 1.0 7 /venv True\n", String(out.stderr));
        assert.equal(out.exit_code, 5); // exit() is one of the builtins site adds
      }
    }),
});

Deno.test({
  name:
    "a package that replaces the venv's interpreter and pyvenv.cfg cannot take over the trusted code",
  ignore,
  fn: () =>
    withInstalled(async (exec) => {
      const code = "import sys, demo\nprint(sys.executable, sys.prefix, demo.VALUE)\nsys.exit(4)";
      for (const stateful of [false, true]) {
        const out = await exec({ tool: "run.python", args: { code, stateful } });
        assert.equal(out.stdout, "/venv/bin/python3 /venv demo 1.0\n", String(out.stderr));
        assert.equal(out.exit_code, 4);
      }
    }, [{
      name: "demo",
      version: "1.0",
      files: {
        // pip puts a wheel's scripts in the venv's bin/ and its data at the venv's root: the
        // interpreter the trusted code once started on, and the file that says where its
        // standard library is
        "demo-1.0.data/scripts/python3": "#!/bin/sh\nexit 0\n",
        "demo-1.0.data/data/pyvenv.cfg":
          "home = /nonexistent\ninclude-system-site-packages = true\n",
      },
    }]),
});

Deno.test({
  name: "what a .pth file writes while the next run's process waits is that run's output",
  ignore,
  fn: () =>
    withInstalled(async (exec, root) => {
      const left = () => logFiles(root, "pth_ran");
      for (const file of await left()) await Deno.remove(file); // pip's own processes
      // the run's own process left its file: gone, so the next one is the process forked ahead
      const code = "import os\nos.remove('pth_ran')\nprint(1)";
      const first = await exec({ tool: "run.python", args: { code } });
      // (python3 runs it once per site-packages path: a venv's lib64 is its lib again)
      assert.match(String(first.stdout), /^(pth stdout\n)+1\n$/, String(first.stderr));
      for (let i = 0; i < 400 && (await left()).length === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal((await left()).length, 1, "no process was forked ahead");
      // its output came while no call was running: it is still the next run's
      const second = await exec({ tool: "run.python", args: { code: "print(2)" } });
      assert.equal(second.stdout, String(first.stdout).replace("1\n", "2\n"));
      assert.equal(second.stderr, first.stderr);
      assert.match(String(second.stderr), /^(pth stderr\n)+$/);
    }, [{
      name: "noisy-pth",
      version: "1.0",
      files: {
        "noisy_pth.pth": "import sys; print('pth stdout'); sys.stderr.write('pth stderr\\n'); " +
          "open('pth_ran', 'a').close()\n",
      },
    }]),
});
