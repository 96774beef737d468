import assert from "node:assert/strict";
import { LimitsSchema } from "../config/mod.ts";
import type { TaskError, TaskOutcome } from "../rpc/mod.ts";
import { withoutSmallDisk, withSmallDisk } from "./_small_disk.ts";
import { WorkerExecutor } from "./executor.ts";

const ignore = await withoutSmallDisk();
const KiB = 1024;

function failure(outcome: TaskOutcome): TaskError | undefined {
  return outcome.ok ? undefined : outcome.error;
}

Deno.test({
  name: "fs.write on a full disk answers LIMIT_EXCEEDED, and fs.delete then makes room",
  ignore,
  fn: () =>
    withSmallDisk(2 * 1024 * KiB, async (root) => {
      const executor = new WorkerExecutor({
        workspaceRoot: root,
        limits: LimitsSchema.parse({}),
        insecureNoSandbox: false,
      });
      try {
        const write = (path: string, size: number) =>
          executor.execute("s1", {
            tool: "fs.write",
            args: { path, contents: "x".repeat(size) },
          });
        let full: TaskError | undefined;
        // 2 MiB fills before the 8th write of 512 KiB
        for (let i = 0; i < 8 && full === undefined; i++) {
          full = failure(await write(`f${i}.bin`, 512 * KiB));
        }
        assert.deepEqual(full, {
          code: "LIMIT_EXCEEDED",
          message: "No space left on the workspace's disk: delete files to make room",
          retriable: false,
        });
        const deleted = await executor.execute("s1", {
          tool: "fs.delete",
          args: { path: "f0.bin" },
        });
        assert.ok(deleted.ok, JSON.stringify(deleted));
        const after = await write("small.txt", 4 * KiB);
        assert.ok(after.ok, JSON.stringify(after));
      } finally {
        await executor.close();
      }
    }),
});
