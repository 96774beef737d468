import assert from "node:assert/strict";
import { startStdioCoordinator } from "../support/coordinator_process.ts";
import { resultText } from "../support/sdk_client.ts";
import { skipWithout } from "../support/requirements.ts";
import { runMain } from "../support/run_main.ts";
import { INITIALIZE_BODY } from "../../src/mcp/http/_testing.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** JSON-RPC lines that initialize, then call `tool` once (id 2); no final newline. */
function oneCall(tool: string, args: Record<string, unknown>): string {
  return [
    JSON.parse(INITIALIZE_BODY),
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: tool, arguments: args } },
  ].map((r) => JSON.stringify(r)).join("\n");
}

/** A coordinator child's whole environment: its data in `dir`. */
function childEnv(dir: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: dir,
    WORKSPACE_ROOT: `${dir}/ws`,
    AUDIT_LOG: `${dir}/audit.jsonl`,
  };
}

const EXPECTED_TOOLS = [
  "artifact.get",
  "echo",
  "fs.delete",
  "fs.list",
  "fs.read",
  "fs.write",
  "pkg.install",
  "run.python",
  "session.info",
  "task.cancel",
  "task.result",
  "task.status",
  "test.run",
];

Deno.test("stdio: a real SDK client lists every tool with input and output schemas", async () => {
  await using c = await startStdioCoordinator();
  const { tools } = await c.client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), EXPECTED_TOOLS);
  for (const t of tools) {
    assert.ok(t.description && t.description.length > 10, `${t.name} has a description`);
    assert.equal(t.inputSchema.type, "object", `${t.name} inputSchema`);
    assert.equal(t.outputSchema?.type, "object", `${t.name} outputSchema`);
  }
  const caps = c.client.getServerCapabilities();
  assert.ok(caps?.logging, "logging capability declared");
  assert.ok(caps?.resources, "resources capability declared");
});

Deno.test("stdio: echo and the file tools work end to end and are audited", async () => {
  await using c = await startStdioCoordinator();
  const call = (name: string, args: Record<string, unknown>) =>
    c.client.callTool({ name, arguments: args });

  const echo = await call("echo", { message: "héllo" });
  assert.deepEqual(echo.structuredContent, { message: "héllo" });
  assert.equal(resultText(echo), "héllo");

  const write = await call("fs.write", { path: "src/app.py", contents: "print('hi')\n" });
  assert.deepEqual(write.structuredContent, { path: "src/app.py", bytes_written: 12 });
  assert.equal(resultText(write), "Wrote 12 bytes to src/app.py");

  const read = await call("fs.read", { path: "src/app.py" });
  assert.equal((read.structuredContent as { contents: string }).contents, "print('hi')\n");
  assert.equal(resultText(read), "print('hi')\n");

  const bytes = new Uint8Array([0, 255, 1, 128, 10]);
  const b64 = btoa(String.fromCharCode(...bytes));
  await call("fs.write", { path: "bin/data.bin", contents: b64, encoding: "base64" });
  const readBin = await call("fs.read", { path: "bin/data.bin", encoding: "base64" });
  assert.equal((readBin.structuredContent as { contents: string }).contents, b64);
  const slice = await call("fs.read", { path: "src/app.py", offset: 6, length: 4 });
  assert.equal((slice.structuredContent as { contents: string }).contents, "'hi'");

  const list = await call("fs.list", { recursive: true });
  const paths = (list.structuredContent as { entries: { path: string }[] }).entries.map((e) =>
    e.path
  );
  assert.deepEqual(paths, ["bin", "bin/data.bin", "src", "src/app.py"]);
  const globbed = await call("fs.list", { recursive: true, pattern: "**/*.py" });
  assert.deepEqual(
    (globbed.structuredContent as { entries: { path: string }[] }).entries.map((e) => e.path),
    [
      "src/app.py",
    ],
  );

  const info = await call("session.info", {});
  const s = info.structuredContent as {
    session_id: string;
    worker_id: string;
    file_count: number;
    workspace_bytes: number;
  };
  assert.equal(s.worker_id, "embedded-1");
  assert.equal(s.file_count, 2);
  assert.equal(s.workspace_bytes, 12 + 5);

  const art = await call("artifact.get", { path: "src/app.py" });
  assert.equal(resultText(art), "print('hi')\n");

  const resources = await c.client.listResources();
  assert.deepEqual(resources.resources.map((r) => r.uri).sort(), [
    "workspace:///bin/data.bin",
    "workspace:///src/app.py",
  ]);
  const templates = await c.client.listResourceTemplates();
  assert.equal(templates.resourceTemplates[0]?.uriTemplate, "workspace:///{path}");
  const res = await c.client.readResource({ uri: "workspace:///src/app.py" });
  assert.equal((res.contents[0] as { text: string }).text, "print('hi')\n");

  const del = await call("fs.delete", { path: "src", recursive: true });
  assert.deepEqual(del.structuredContent, { path: "src", deleted: true });
  const gone = await call("fs.read", { path: "src/app.py" });
  assert.equal(gone.isError, true);
  assert.match(resultText(gone), /^NOT_FOUND: /);

  const one = await call("fs.write", { path: "one.txt", contents: "x" });
  assert.equal(resultText(one), "Wrote 1 byte to one.txt");

  const denied = await call("fs.read", { path: "../../etc/passwd" });
  assert.equal(denied.isError, true);
  assert.match(resultText(denied), /^PATH_VIOLATION: /);

  // the audit log has one record per call, hash-chained, and verifies
  const records = (await Deno.readTextFile(c.auditLog)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  const tools = records.filter((r) => r.kind === "tool_call").map((r) => r.tool);
  assert.equal(tools.filter((t) => t === "fs.write").length, 3);
  const deniedRecord = records.find((r) => r.decision === "denied");
  assert.equal(deniedRecord?.arguments.path, "../../etc/passwd");
  assert.ok(
    !JSON.stringify(records).includes("print('hi')"),
    "file contents are digested, not stored",
  );
  const verified = await runMain(["audit", "verify", c.auditLog]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /intact/);
});

Deno.test("audit verify fails on a tampered copy of a real run's log, naming the line", async () => {
  await using c = await startStdioCoordinator();
  for (let i = 0; i < 5; i++) {
    await c.client.callTool({ name: "echo", arguments: { message: `m${i}` } });
  }
  const lines = (await Deno.readTextFile(c.auditLog)).trim().split("\n");
  assert.ok(lines.length >= 5);
  const tampered = `${c.dir}/tampered.jsonl`;
  const edited = [...lines];
  edited[2] = edited[2]!.replace('"echo"', '"fs.read"');
  await Deno.writeTextFile(tampered, edited.join("\n") + "\n");
  const bad = await runMain(["audit", "verify", tampered]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 3/);

  const reordered = [lines[0], lines[2], lines[1], ...lines.slice(3)];
  await Deno.writeTextFile(tampered, reordered.join("\n") + "\n");
  const bad2 = await runMain(["audit", "verify", tampered]);
  assert.equal(bad2.code, 1);
  assert.match(bad2.stderr, /line 2/);
});

Deno.test("--version prints the version and exits 0", async () => {
  const r = await runMain(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^codegen-mcp \d+\.\d+\.\d+\n$/);
});

Deno.test("an invalid setting prints one line naming the variable and exits 2", async () => {
  const r = await runMain([], { SESSION_MAX_AGE: "soon" });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /SESSION_MAX_AGE/);
  assert.match(r.stderr, /"soon"/);
  // a process limit of 2 can leave no room for a run beside its fork server and launcher
  const procs = await runMain([], { SANDBOX_MAX_PROCESSES: "2" });
  assert.equal(procs.code, 2);
  assert.match(procs.stderr, /SANDBOX_MAX_PROCESSES/);
  const flag = await runMain(["--transport", "carrier-pigeon"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--transport/);
});

Deno.test("stdio: requests in a file redirected to stdin are answered (stdin that is not a pipe)", async () => {
  // MCP clients give a pipe; a file is read another way, and must work the same
  const dir = await Deno.makeTempDir({ prefix: "stdio-file-" });
  try {
    await Deno.writeTextFile(`${dir}/in.jsonl`, oneCall("echo", { message: "from a file" }));
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        'exec "$0" run -P=coordinator --ignore-env --quiet "$1" serve < "$2"',
        Deno.execPath(),
        MAIN,
        `${dir}/in.jsonl`,
      ],
      env: childEnv(dir),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const replies = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.deepEqual(replies.map((r) => r.id), [1, 2]);
    assert.deepEqual(replies[1].result.structuredContent, { message: "from a file" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "stdio: Python started after the client closed its stdin pipe still runs",
  ignore: skipWithout("bwrap"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "stdio-eof-" });
    // through `deno task start`, as the README runs it (stdin_source_test.ts pins the cause)
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "--config", config, "start"],
      env: childEnv(dir),
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(oneCall("run.python", { code: "print(5)" })));
      await writer.close(); // end of input before the interpreter starts
      const out = await Promise.race([
        child.output(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no exit")), 60_000)),
      ]);
      const replies = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
        JSON.parse(l)
      ).filter((m) => m.id !== undefined); // notifications (its stderr as log lines) aside
      assert.deepEqual(replies.map((r) => r.id), [1, 2]);
      const result = replies[1].result.structuredContent;
      assert.equal(result.exit_code, 0, JSON.stringify(replies[1]));
      assert.equal(result.stdout, "5\n");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
