/**
 * Starts the audit and worker threads, drops the front's permissions, then reports as JSON
 * on stdout what the front and the threads can still do. Run by front_drop_test.ts with the
 * coordinator permission set; argv[0] is a fresh directory.
 */
import { dropFrontPermissions } from "../../../src/app/permissions.ts";
import { createThreadAuditSink } from "../../../src/audit/mod.ts";
import { createThreadWorkerClient } from "../../../src/router/mod.ts";
import { bubblewrapAvailable } from "../../../src/worker/sandbox/mod.ts";
import { spawnWorkerThread } from "../../../src/worker/mod.ts";
import { DEFAULT_LIMITS_FOR_TESTS } from "./limits.ts";

const dir = Deno.args[0]!;
const limits = DEFAULT_LIMITS_FOR_TESTS;

async function attempt(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  }
}

const sandbox = await bubblewrapAvailable();
const audit = await createThreadAuditSink(`${dir}/audit/audit.jsonl`);
const worker = await createThreadWorkerClient(
  "embedded-1",
  await spawnWorkerThread({ workspaceRoot: `${dir}/ws`, limits, insecureNoSandbox: false }),
);
await dropFrontPermissions({ keepNet: false });

const front = {
  write: await attempt(() => Deno.writeTextFile(`${dir}/front.txt`, "x")),
  writeAuditDir: await attempt(() => Deno.writeTextFile(`${dir}/audit/front.txt`, "x")),
  writeWorkspace: await attempt(() => Deno.mkdir(`${dir}/ws/front`)),
  // python3 is granted to the coordinator set and present wherever Python runs
  run: await attempt(() => new Deno.Command("python3", { args: ["--version"] }).output()),
  net: await attempt(() => Deno.connect({ hostname: "127.0.0.1", port: 9 })),
  read: await attempt(() => Deno.readTextFile(`${dir}/audit/audit.jsonl`)),
};

await audit.append({
  principal: "test",
  session_id: "s1",
  tool: "fs.write",
  arguments: { path: "a.txt" },
  decision: "allowed",
  outcome: "ok",
  duration_ms: 1,
});
const write = await worker.execute("s1", {
  tool: "fs.write",
  args: { path: "a.txt", contents: "hi" },
});
const python = sandbox
  ? await worker.execute("s1", {
    tool: "run.python",
    args: { code: "print(open('a.txt').read())" },
  })
  : undefined;
const threads = {
  fsWrite: write.ok,
  python: python
    ? (python.ok ? (python.result as { stdout: string }).stdout.trim() : python)
    : null,
  workerWriteOutside: await worker.probe({ op: "write", path: `${dir}/outside.txt` }),
  auditWriteOutside: await audit.probe({ op: "write", path: `${dir}/outside.txt` }),
};
await worker.close();
await audit.close();
Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify({ front, threads, sandbox })));
