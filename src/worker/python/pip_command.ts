/**
 * The offline command lines of pkg.install, built as argv lists (no shell ever parses
 * them): venv creation, the install from downloaded wheels, and the query that checks
 * what the environment holds. The networked download is in `pip_download.ts`.
 * @module
 */
import { DOWNLOADS_SANDBOX_PATH } from "./pip_download.ts";
import { normalizeName, type Requirement } from "./requirements.ts";
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

/**
 * For each requirement in argv: `null` if the environment lacks the project, else its
 * name, version, and whether that version satisfies the specifier (and `ignored` when the
 * environment marker excludes it, as pip then ignores it). Venv first, then the system.
 */
const LIST_INSTALLED = `
import importlib.metadata as md, json, re, sys
try:
    from pip._vendor.packaging.requirements import Requirement
except ImportError:
    from packaging.requirements import Requirement
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()
found = {}
for dist in md.distributions():
    name = dist.metadata["Name"] or ""
    found.setdefault(norm(name), {"name": name, "version": dist.version})
out = []
for spec in sys.argv[1:]:
    try:
        req = Requirement(spec)
    except Exception:
        out.append(None)
        continue
    if req.marker is not None and not req.marker.evaluate():
        out.append({"ignored": True})
        continue
    hit = found.get(norm(req.name))
    if hit is not None:
        hit = dict(hit, satisfied=req.specifier.contains(hit["version"], prereleases=True))
    out.append(hit)
print(json.dumps(out))
`;

/** argv that creates the session venv at /venv. */
export function createVenvArgv(): string[] {
  return ["python3", "-I", "-c", CREATE_VENV, VENV_SANDBOX_PATH];
}

/** Options for {@link pipInstallArgv}. */
export interface PipInstallOptions {
  upgrade?: boolean | undefined;
  noDeps?: boolean | undefined;
}

/**
 * argv of the install into the venv: offline (`--no-index`), wheels only, from the
 * download step's directory. It runs the venv's interpreter, which may load code an
 * earlier install added; that is why this step never has network.
 */
export function pipInstallArgv(
  requirements: readonly Requirement[],
  options: PipInstallOptions = {},
): string[] {
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
    "--only-binary",
    ":all:",
    "--no-index",
    "--find-links",
    DOWNLOADS_SANDBOX_PATH,
    "--",
    ...requirements.map((r) => r.spec),
  ];
}

/** argv of the query that checks each requirement against the environment. */
export function listInstalledArgv(requirements: readonly Requirement[]): string[] {
  return [VENV_PYTHON, "-I", "-c", LIST_INSTALLED, ...requirements.map((r) => r.spec)];
}

/** What pip's output said of the install: the step's exit code and its stdout. */
export interface PipReport {
  exitCode: number;
  stdout: string;
}

/**
 * Reads the query's output into installed and failed lists, in request order, one entry
 * per project. A project counts as installed only if the environment's version satisfies
 * every specifier given for it, and, when pip failed, pip said it was already satisfied
 * (a failed pip installs nothing, so anything else found is not this call's doing).
 */
export function parseInstalled(
  stdout: string,
  requirements: readonly Requirement[],
  pip: PipReport,
): { installed: { name: string; version: string }[]; failed: string[] } | undefined {
  let rows: unknown;
  try {
    rows = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    return undefined;
  }
  if (!Array.isArray(rows) || rows.length !== requirements.length) return undefined;
  const confirmed = pip.exitCode === 0 ? undefined : alreadySatisfied(pip.stdout);
  const verdicts = new Map<string, { name: string; version: string } | "failed" | "ignored">();
  requirements.forEach((req, i) => {
    const row = rows[i] as { name?: unknown; version?: unknown; satisfied?: unknown } | null;
    const before = verdicts.get(req.normalized);
    if (before === "failed") return;
    if (row !== null && typeof row === "object" && "ignored" in row) {
      if (before === undefined) verdicts.set(req.normalized, "ignored");
      return;
    }
    const ok = typeof row?.name === "string" && typeof row.version === "string" &&
      row.satisfied === true && (confirmed === undefined || confirmed.has(req.normalized));
    verdicts.set(
      req.normalized,
      ok ? { name: row.name as string, version: row.version as string } : "failed",
    );
  });
  const installed: { name: string; version: string }[] = [];
  const failed: string[] = [];
  const seen = new Set<string>();
  for (const req of requirements) {
    if (seen.has(req.normalized)) continue;
    seen.add(req.normalized);
    const verdict = verdicts.get(req.normalized);
    if (verdict === "failed") failed.push(req.name);
    else if (typeof verdict === "object") installed.push(verdict);
  }
  return { installed, failed };
}

/** Normalized names pip reported as "Requirement already satisfied: <name>...". */
function alreadySatisfied(pipStdout: string): Set<string> {
  const names = new Set<string>();
  for (const m of pipStdout.matchAll(/^Requirement already satisfied: ([A-Za-z0-9][\w.-]*)/gm)) {
    names.add(normalizeName(m[1] as string));
  }
  return names;
}
