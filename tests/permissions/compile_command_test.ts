import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { startStdioCoordinator } from "../support/coordinator_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Task {
  command: string;
}

function compileTasks(): [string, string[]][] {
  return Object.entries(denoJson.tasks as Record<string, Task>)
    .filter(([name]) => name === "compile" || name.startsWith("compile:"))
    .map(([name, task]) => [name, task.command.split(/\s+/)]);
}

/** The flags a compile command gives the binary at run time (permissions, env, unstable). */
function runtimeFlags(argv: string[]): string[] {
  return argv.filter((a) => /^-P=|^--ignore-env|^--unstable-/.test(a));
}

Deno.test("every compile task builds main.ts with the coordinator set, no -A, and includes every thread script", async () => {
  const tasks = compileTasks();
  assert.ok(tasks.length >= 3, "compile plus --target variants");
  // every script started with `new Worker(new URL("./x.ts", import.meta.url))` must be included
  const threadScripts: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}src`)) {
    if (entry.isDirectory) await collect(`src/${entry.name}`);
  }
  async function collect(dir: string): Promise<void> {
    for await (const e of Deno.readDir(`${ROOT}${dir}`)) {
      if (e.isDirectory) await collect(`${dir}/${e.name}`);
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(`${ROOT}${dir}/${e.name}`);
        for (
          const m of text.matchAll(
            /THREAD_URL[^=]*=\s*new URL\("\.\/([\w.]+)", import\.meta\.url\)/g,
          )
        ) {
          threadScripts.push(`${dir}/${m[1]}`);
        }
      }
    }
  }
  assert.deepEqual(threadScripts.sort(), [
    "src/audit/audit_thread.ts",
    "src/mcp/stdout_thread.ts",
    "src/worker/thread/worker_thread.ts",
  ]);
  const base = tasks.find(([name]) => name === "compile")![1];
  for (const [name, argv] of tasks) {
    assert.deepEqual(argv.slice(0, 2), ["deno", "compile"], name);
    assert.equal(argv.at(-1), "main.ts", `${name}: the entry point is main.ts`);
    assert.ok(!argv.includes("-A") && !argv.includes("--allow-all"), `${name}: never -A`);
    assert.ok(argv.includes("-P=coordinator"), `${name}: the coordinator permission set`);
    assert.deepEqual(runtimeFlags(argv), runtimeFlags(base), `${name}: same grants as compile`);
    for (const script of threadScripts) {
      const i = argv.indexOf(script);
      assert.ok(i > 0 && argv[i - 1] === "--include", `${name} includes ${script}`);
    }
    assert.ok(argv.includes("--output"), name);
    if (name !== "compile") assert.ok(argv.includes("--target"), `${name} names its --target`);
  }
});

Deno.test("main.ts run with exactly the compile task's runtime flags passes the MCP smoke path", async () => {
  const [, argv] = compileTasks().find(([name]) => name === "compile")!;
  const flags = runtimeFlags(argv);
  await using c = await startStdioCoordinator({ permissionFlags: flags });
  const echo = await c.client.callTool({ name: "echo", arguments: { message: "binary grants" } });
  assert.deepEqual(echo.structuredContent, { message: "binary grants" });
  await c.client.callTool({ name: "fs.write", arguments: { path: "p.txt", contents: "ok" } });
  const read = await c.client.callTool({ name: "fs.read", arguments: { path: "p.txt" } });
  assert.equal((read.structuredContent as { contents: string }).contents, "ok");
  const info = await c.client.callTool({ name: "session.info", arguments: {} });
  assert.equal((info.structuredContent as { file_count: number }).file_count, 1);
  const audit = (await Deno.readTextFile(c.auditLog)).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(audit[0].kind, "startup", "the first record lists the permissions held");
});

Deno.test("the coordinator set's network grants cover every host the Kubernetes manifests dial", async () => {
  const net =
    (denoJson.permissions as Record<string, { net?: string[] | boolean }>).coordinator!.net;
  assert.ok(Array.isArray(net), "net is a list of hosts, not all");
  const hosts = [
    "codegen-redis.codegen-mcp.svc.cluster.local",
    "codegen-coordinator.codegen-mcp.svc.cluster.local",
    "codegen-workers-0.codegen-workers.codegen-mcp.svc.cluster.local",
    "0.0.0.0",
    "127.0.0.1",
  ];
  const covered = (host: string) =>
    net.some((g) =>
      g === host || (g.startsWith("*.") && (host.endsWith(g.slice(1)) || host === g.slice(2)))
    );
  for (const host of hosts) assert.ok(covered(host), `${host} is granted`);
  assert.ok(!covered("example.com"), "nothing else is");
  const manifests = await Deno.readTextFile(`${ROOT}k8s/coordinator-deployment.yaml`) +
    await Deno.readTextFile(`${ROOT}k8s/worker-statefulset.yaml`);
  assert.match(manifests, /codegen-redis\.\$\(POD_NAMESPACE\)\.svc\.cluster\.local/);
  assert.match(manifests, /codegen-coordinator\.\$\(POD_NAMESPACE\)\.svc\.cluster\.local:50050/);
});
