// Starts sandboxes in the workspace given and kills each at once, as a worker thread does
// (it may run only bwrap, so it cannot signal a process group), then exits.
import { BubblewrapRunner } from "../bubblewrap_runner.ts";

const [workspace = "", count = "20"] = Deno.args;
const runner = new BubblewrapRunner();
await runner.ensureOwnership(workspace);
for (let i = 0; i < Number(count); i++) {
  const sandbox = await runner.start({
    argv: ["python3", "-c", "import time; time.sleep(600)"],
    workspace,
    env: { PATH: "/usr/bin:/bin" },
    limits: { cpuSeconds: 600, memoryBytes: 512 << 20, maxProcesses: 16, maxFileBytes: 1 << 20 },
  });
  await sandbox.dispose();
}
