/**
 * The command lines of pkg.install, built as argv lists (no shell ever parses them): venv
 * creation, the pip install itself, and the query that reads what is installed.
 * @module
 */
import type { Requirement } from "./requirements.ts";
import { VENV_SANDBOX_PATH } from "./venv.ts";

const VENV_PYTHON = `${VENV_SANDBOX_PATH}/bin/python3`;

/**
 * Creates the venv on top of the system site-packages without copying pip in (fast and
 * offline: the system pip serves the venv); only if the system has no pip does it fall
 * back to ensurepip, which installs pip from wheels bundled with Python, also offline.
 */
const CREATE_VENV = `
import subprocess, sys, venv
venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=True).create(sys.argv[1])
py = sys.argv[1] + "/bin/python3"
if subprocess.run([py, "-I", "-c", "import pip"], stderr=subprocess.DEVNULL).returncode != 0:
    subprocess.run([py, "-I", "-m", "ensurepip", "--default-pip"], check=True)
`;

/** Lists installed distributions matching the normalized names in argv, venv first. */
const LIST_INSTALLED = `
import importlib.metadata as md, json, re, sys
wanted, found = set(sys.argv[1:]), {}
for dist in md.distributions():
    name = dist.metadata["Name"] or ""
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in wanted and key not in found:
        found[key] = {"name": name, "version": dist.version}
print(json.dumps(found))
`;

/** argv that creates the session venv at /venv. */
export function createVenvArgv(): string[] {
  return ["python3", "-I", "-c", CREATE_VENV, VENV_SANDBOX_PATH];
}

/** Options for {@link pipInstallArgv}. */
export interface PipInstallOptions {
  indexUrl: string;
  upgrade?: boolean | undefined;
  noDeps?: boolean | undefined;
  /**
   * Whether the index is the operator's own: then a plain-http index (e.g. an in-cluster
   * mirror) is marked trusted, which pip otherwise ignores. Never for a caller's URL.
   */
  operatorIndex?: boolean | undefined;
  /**
   * Whether pip may build from source distributions, which runs the package's own build
   * code while pip has network. Default false: wheels only, so no package code runs then.
   */
  allowSourceBuilds?: boolean | undefined;
}

/** argv of the install; `--` ends options, though validation already refused any. */
export function pipInstallArgv(
  requirements: readonly Requirement[],
  options: PipInstallOptions,
): string[] {
  const url = new URL(options.indexUrl);
  const trust = options.operatorIndex && url.protocol === "http:"
    ? ["--trusted-host", url.host]
    : [];
  return [
    VENV_PYTHON,
    "-I",
    "-m",
    "pip",
    "--isolated", // ignore pip config files and PIP_* variables
    "install",
    "--disable-pip-version-check",
    "--no-input",
    "--no-cache-dir",
    "--progress-bar",
    "off",
    ...(options.upgrade ? ["--upgrade"] : []),
    ...(options.noDeps ? ["--no-deps"] : []),
    ...(options.allowSourceBuilds ? [] : ["--only-binary", ":all:"]),
    "--index-url",
    options.indexUrl,
    ...trust,
    "--",
    ...requirements.map((r) => r.spec),
  ];
}

/** argv that prints `{normalized: {name, version}}` for the requested projects. */
export function listInstalledArgv(requirements: readonly Requirement[]): string[] {
  return [
    VENV_PYTHON,
    "-I",
    "-c",
    LIST_INSTALLED,
    ...new Set(requirements.map((r) => r.normalized)),
  ];
}

/** Reads the query's output into installed and failed lists, in request order. */
export function parseInstalled(
  stdout: string,
  requirements: readonly Requirement[],
): { installed: { name: string; version: string }[]; failed: string[] } | undefined {
  let found: Record<string, { name?: unknown; version?: unknown }>;
  try {
    found = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    return undefined;
  }
  if (typeof found !== "object" || found === null) return undefined;
  const installed: { name: string; version: string }[] = [];
  const failed: string[] = [];
  const seen = new Set<string>();
  for (const req of requirements) {
    if (seen.has(req.normalized)) continue;
    seen.add(req.normalized);
    const hit = Object.hasOwn(found, req.normalized) ? found[req.normalized] : undefined;
    if (typeof hit?.name === "string" && typeof hit.version === "string") {
      installed.push({ name: hit.name, version: hit.version });
    } else {
      failed.push(req.name);
    }
  }
  return { installed, failed };
}
