/**
 * A temporary checkout of another revision of this project (a detached git worktree), to
 * run it side by side with the working tree. Removed again on dispose.
 * @module
 */

const PROJECT_DIR = new URL("../", import.meta.url).pathname;
const INSTALL_TIMEOUT_MS = 180_000;

/** A checkout at `dir` (with a trailing slash) of commit `commit`. */
export interface Checkout extends AsyncDisposable {
  dir: string;
  commit: string;
}

/**
 * Checks out `revision` beside the working tree. Its npm packages come from this tree's
 * `node_modules` when both lockfiles match, else from `deno install` in the checkout.
 */
export async function checkout(revision: string): Promise<Checkout> {
  const commit = await git(["rev-parse", "--verify", `${revision}^{commit}`]);
  const parent = await Deno.makeTempDir({ prefix: "codegen-bench-base-" });
  const dir = `${parent}/codegen-mcp/`;
  await git(["worktree", "add", "--detach", dir, commit]);
  const dispose = async () => {
    await git(["worktree", "remove", "--force", dir]).catch(() => {});
    await git(["worktree", "prune"]).catch(() => {});
    await Deno.remove(parent, { recursive: true }).catch(() => {});
  };
  try {
    const [ours, theirs] = await Promise.all(
      [PROJECT_DIR, dir].map((d) => Deno.readTextFile(`${d}deno.lock`).catch(() => "")),
    );
    if (ours !== "" && ours === theirs) {
      await Deno.symlink(`${PROJECT_DIR}node_modules`, `${dir}node_modules`);
    } else {
      await run(Deno.execPath(), ["install", "--quiet"], dir);
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { dir, commit, [Symbol.asyncDispose]: dispose };
}

function git(args: string[]): Promise<string> {
  return run("git", args, PROJECT_DIR);
}

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(command, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(INSTALL_TIMEOUT_MS),
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`${command} ${args.join(" ")} failed: ${text.decode(out.stderr).trim()}`);
  }
  return text.decode(out.stdout).trim();
}
