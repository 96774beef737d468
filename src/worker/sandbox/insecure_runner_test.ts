import assert from "node:assert/strict";
import { MAX_OPEN_FILES } from "./bwrap_args.ts";
import { InsecureRunner } from "./insecure_runner.ts";

Deno.test("InsecureRunner runs with only the given env, sandbox paths mapped and limits set", async () => {
  const ws = await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-insecure-" }));
  try {
    const runner = new InsecureRunner();
    assert.equal(runner.kind, "insecure");
    const result = await runner.run({
      argv: [
        "python3",
        "-c",
        "import os, resource, sys; print(os.getcwd()); print(sorted(os.environ)); " +
        "print(resource.getrlimit(resource.RLIMIT_NPROC)[0]); print(sys.argv[1]); " +
        "print(resource.getrlimit(resource.RLIMIT_NOFILE))",
        "/workspace/data.txt",
      ],
      workspace: ws,
      env: { PATH: "/usr/bin:/bin", HOME: "/tmp" },
      limits: { cpuSeconds: 5, memoryBytes: 1 << 30, maxProcesses: 2000, maxFileBytes: 1 << 20 },
      timeoutMs: 10_000,
      outputLimitBytes: 4096,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const [cwd, env, nproc, arg, nofile] = result.stdout.trim().split("\n");
    assert.equal(cwd, ws);
    // Python may add LC_CTYPE itself (C locale coercion); nothing comes from the worker
    assert.ok(["['HOME', 'PATH']", "['HOME', 'LC_CTYPE', 'PATH']"].includes(env!), String(env));
    assert.equal(nproc, "2000");
    assert.equal(arg, `${ws}/data.txt`);
    assert.equal(nofile, `(${MAX_OPEN_FILES}, ${MAX_OPEN_FILES})`);
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
});

Deno.test("InsecureRunner kills the process group on timeout", async () => {
  const ws = await Deno.makeTempDir({ prefix: "codegen-insecure-" });
  try {
    const result = await new InsecureRunner().run({
      argv: ["python3", "-c", "import time; time.sleep(60)"],
      workspace: ws,
      env: { PATH: "/usr/bin:/bin" },
      limits: { cpuSeconds: 5, memoryBytes: 1 << 30, maxProcesses: 2000, maxFileBytes: 1 << 20 },
      timeoutMs: 300,
      outputLimitBytes: 4096,
    });
    assert.equal(result.timedOut, true);
    assert.equal(result.signal, "SIGKILL");
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
});
