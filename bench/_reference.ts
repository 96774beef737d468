/**
 * The reference MCP servers, pinned and installed with npm into `bench/.reference/` on
 * first use (git-ignored), then run with Node the way their READMEs tell users to.
 * @module
 */

/** Pinned reference packages; bump together with the figures they produce. */
export const REFERENCE_PACKAGES = {
  everything: { name: "@modelcontextprotocol/server-everything", version: "2026.8.31" },
  filesystem: { name: "@modelcontextprotocol/server-filesystem", version: "2026.8.31" },
} as const;

/** Which reference server. */
export type ReferenceName = keyof typeof REFERENCE_PACKAGES;

const DIR = new URL("./.reference/", import.meta.url).pathname;
const INSTALL_TIMEOUT_MS = 180_000;

/** Where the reference packages live once installed. */
export function referenceDir(): string {
  return DIR;
}

/** The Node entry point of a reference server (its package's `bin`). */
export function referenceEntry(name: ReferenceName): string {
  return `${DIR}node_modules/${REFERENCE_PACKAGES[name].name}/dist/index.js`;
}

/**
 * Installs the pinned packages unless they are already there at the pinned versions.
 * Bounded: npm is killed after three minutes.
 */
export async function ensureReferenceServers(): Promise<void> {
  if (await installed()) return;
  await Deno.mkdir(DIR, { recursive: true });
  const dependencies = Object.fromEntries(
    Object.values(REFERENCE_PACKAGES).map((p) => [p.name, p.version]),
  );
  await Deno.writeTextFile(
    `${DIR}package.json`,
    JSON.stringify({ name: "codegen-mcp-bench-reference", private: true, dependencies }, null, 2),
  );
  const out = await new Deno.Command("npm", {
    args: ["install", "--prefix", DIR, "--no-audit", "--no-fund", "--loglevel=error"],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(INSTALL_TIMEOUT_MS),
  }).output();
  if (!out.success || !(await installed())) {
    const detail = new TextDecoder().decode(out.stderr).trim().slice(-2_000);
    throw new Error(`Cannot install the reference servers into "${DIR}": ${detail}`);
  }
}

async function installed(): Promise<boolean> {
  for (const name of Object.keys(REFERENCE_PACKAGES) as ReferenceName[]) {
    const pkg = REFERENCE_PACKAGES[name];
    try {
      const manifest = `${DIR}node_modules/${pkg.name}/package.json`;
      const { version } = JSON.parse(await Deno.readTextFile(manifest)) as { version?: string };
      if (version !== pkg.version) return false;
      await Deno.stat(referenceEntry(name));
    } catch {
      return false;
    }
  }
  return true;
}
