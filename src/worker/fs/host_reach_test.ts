import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { snapshotBytes, snapshotWorkspace } from "../python/snapshot.ts";
import { createFixture } from "./_testing.ts";
import { beyondHostReach, MAX_HOST_PATH_BYTES } from "./host_reach.ts";
import { measureWorkspace, sumWorkspace } from "./stats.ts";

Deno.test("beyondHostReach() counts UTF-8 bytes against PATH_MAX", () => {
  assert.equal(beyondHostReach("/" + "a".repeat(MAX_HOST_PATH_BYTES - 1)), false);
  assert.equal(beyondHostReach("/" + "a".repeat(MAX_HOST_PATH_BYTES)), true);
  // 1,400 characters of 3 bytes each: 4,200 bytes
  assert.equal(beyondHostReach("/" + "€".repeat(1_400)), true);
  assert.equal(beyondHostReach("/" + "€".repeat(1_300)), false);
});

// Builds `deep/d/d/...` past PATH_MAX with directory-relative calls, as code in the sandbox
// can, and writes `bytes` there; returns the host path's length.
async function deepTree(workspace: string, bytes: number): Promise<void> {
  const script = "import os, sys\n" +
    "fd = os.open(sys.argv[1], os.O_RDONLY)\n" +
    "for name in ['deep'] + ['dddddddd'] * 600:\n" +
    "    os.mkdir(name, dir_fd=fd)\n" +
    "    nfd = os.open(name, os.O_RDONLY, dir_fd=fd); os.close(fd); fd = nfd\n" +
    "out = os.open('big.bin', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)\n" +
    "os.write(out, b'x' * int(sys.argv[2]))\n";
  const made = await new Deno.Command("python3", {
    args: ["-c", script, workspace, String(bytes)],
  }).output();
  assert.ok(made.success, new TextDecoder().decode(made.stderr));
}

Deno.test("a file too deep for the worker to name is not counted as nothing: its workspace's size is refused until it is deleted", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/small.txt`, "hello");
  await deepTree(fx.workspace, 100_000);

  const sum = await sumWorkspace(fx.workspace, { maxVisits: 100_000 });
  assert.equal(sum.bytes, 5, "only what it could reach");
  assert.match(sum.beyondReach ?? "", /^deep\/dddddddd\//);
  await assert.rejects(
    measureWorkspace(fx.workspace, 100_000),
    (e) =>
      e instanceof CodegenError && e.code === "LIMIT_EXCEEDED" &&
      /too long for the worker to measure .* delete "deep" with fs\.delete/.test(e.message),
  );
  const snapshot = await snapshotWorkspace(fx.workspace, { maxEntries: 100_000 });
  assert.equal(snapshot.beyondReach, true);
  assert.equal(snapshotBytes(snapshot), undefined);

  // deleting the tree (the way fs.delete does) makes the workspace measurable again
  await Deno.remove(`${fx.workspace}/deep`, { recursive: true });
  assert.equal(await measureWorkspace(fx.workspace, 100_000), 5);
});
