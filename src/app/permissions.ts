/**
 * What `codegen-mcp permissions` prints: the permissions this process holds, kind by kind,
 * next to the permission set the build embedded (deno.json's `permissions`, imported so a
 * compiled binary carries it), the start-up audit record of the same, and
 * {@link dropFrontPermissions}, which narrows the MCP front once its threads are running.
 * @module
 */
import { parseArgs } from "node:util";
import denoJson from "../../deno.json" with { type: "json" };
import { type AuditEvent, auditThreadPermissions } from "../audit/mod.ts";
import type { Config } from "../config/mod.ts";
import { VERSION } from "../core/mod.ts";
import { STDOUT_THREAD_PERMISSIONS } from "../mcp/mod.ts";
import { workerThreadPermissions } from "../worker/mod.ts";

/** The permission kinds Deno has, in the order they are reported. */
export const PERMISSION_KINDS = [
  "read",
  "write",
  "net",
  "env",
  "run",
  "ffi",
  "sys",
  "import",
] as const;
/** One of {@link PERMISSION_KINDS}. */
export type PermissionKind = typeof PERMISSION_KINDS[number];

/** A grant as deno.json writes it: everything, the listed values, or nothing. */
export type Grant = boolean | string[];
/** A named permission set: one grant per kind (absent = none). */
export type PermissionSet = Partial<Record<PermissionKind, Grant>>;

/** The permission sets deno.json declares (`-P=<name>`), as embedded in this build. */
export const PERMISSION_SETS: Readonly<Record<string, PermissionSet>> = denoJson.permissions;
/** The set the coordinator tasks and `deno compile` use. */
export const DEFAULT_SET = "coordinator";

/**
 * What the process holds for one kind: `granted` for everything, `partial` when granted
 * only for listed values (Deno answers "prompt" for the kind as a whole then), `denied`.
 */
export interface HeldPermission {
  state: "granted" | "partial" | "denied";
  /** For `partial`: the set's values this process holds. */
  values: string[];
  /** The grant in the compared set. */
  configured: Grant;
  /** Whether what is held is exactly what the set grants. */
  matches: boolean;
  /** Why something is held that the set does not list. */
  note?: string;
}

/** The whole report, as `--json` prints it. */
export interface PermissionReport {
  version: string;
  /** The deno.json permission set compared against (the one the build embeds). */
  set: string;
  /** Whether every kind matches the set. */
  matches_set: boolean;
  permissions: Record<PermissionKind, HeldPermission>;
}

function descriptor(kind: PermissionKind, value: string): Deno.PermissionDescriptor {
  switch (kind) {
    case "read":
    case "write":
    case "ffi":
      return { name: kind, path: value };
    case "net":
    case "import":
      return { name: kind, host: value };
    case "env":
      return { name: "env", variable: value };
    case "run":
      return { name: "run", command: value };
    case "sys":
      return { name: "sys", kind: value as Deno.SysPermissionDescriptor["kind"] };
  }
}

/**
 * Hosts Deno lets any program import from when `import` is not set (its built-in default).
 * A compiled binary imports nothing remote, but the runtime still answers "granted" for them.
 */
export const DEFAULT_IMPORT_HOSTS: readonly string[] = [
  "deno.land:443",
  "jsr.io:443",
  "esm.sh:443",
  "cdn.jsdelivr.net:443",
  "raw.githubusercontent.com:443",
  "gist.githubusercontent.com:443",
];

async function grantedValues(kind: PermissionKind, candidates: readonly string[]) {
  const values: string[] = [];
  for (const value of candidates) {
    // a host wildcard cannot be queried itself: ask for a name it covers
    const probe = value.startsWith("*.") ? `wildcard-probe${value.slice(1)}` : value;
    const one = await Deno.permissions.query(descriptor(kind, probe));
    if (one.state === "granted") values.push(value);
  }
  return values;
}

async function held(kind: PermissionKind, configured: Grant): Promise<HeldPermission> {
  const whole = await Deno.permissions.query({ name: kind });
  if (whole.state === "granted") {
    return { state: "granted", values: [], configured, matches: configured === true };
  }
  const values = await grantedValues(kind, Array.isArray(configured) ? configured : []);
  if (values.length === 0 && kind === "import" && configured === false) {
    const defaults = await grantedValues(kind, DEFAULT_IMPORT_HOSTS);
    if (defaults.length > 0) {
      const note = "Deno's default import hosts; the set grants no import";
      return { state: "partial", values: defaults, configured, matches: true, note };
    }
  }
  if (values.length === 0) {
    const none = configured === false || (Array.isArray(configured) && configured.length === 0);
    // Deno cannot list grants: a grant for values the set does not name would not show
    const note = configured === true ? "or granted only for values Deno cannot list" : undefined;
    return { state: "denied", values, configured, matches: none, ...(note ? { note } : {}) };
  }
  const all = Array.isArray(configured) && values.length === configured.length;
  return { state: "partial", values, configured, matches: all };
}

/** Options for {@link describePermissions}. */
export interface DescribeOptions {
  /** The deno.json set to compare with. Default {@link DEFAULT_SET}. */
  set?: string;
}

/** Queries every permission kind of this process and compares it with a deno.json set. */
export async function describePermissions(
  options: DescribeOptions = {},
): Promise<PermissionReport> {
  const set = options.set ?? DEFAULT_SET;
  const grants = PERMISSION_SETS[set];
  if (!grants) throw new Error(`Unknown permission set "${set}"`);
  const permissions = {} as Record<PermissionKind, HeldPermission>;
  for (const kind of PERMISSION_KINDS) permissions[kind] = await held(kind, grants[kind] ?? false);
  const matches = Object.values(permissions).every((p) => p.matches);
  return { version: VERSION, set, matches_set: matches, permissions };
}

function describeGrant(grant: Grant): string {
  if (grant === true) return "all";
  if (grant === false || grant.length === 0) return "none";
  return `${grant.length} listed`;
}

function describeHeld(p: HeldPermission): string {
  if (p.state === "granted") return "granted (all)";
  if (p.state === "denied") return p.note ? `denied (${p.note})` : "denied";
  return `granted for listed values (${p.values.length})`;
}

/** The report as an aligned text table, then the listed values of each partial grant. */
export function renderPermissionsTable(report: PermissionReport): string {
  const rows = PERMISSION_KINDS.map((kind) => {
    const p = report.permissions[kind];
    return [kind, describeHeld(p), describeGrant(p.configured), p.matches ? "yes" : "NO"];
  });
  const header = ["kind", "held by this process", `set "${report.set}"`, "matches"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const out = [
    `codegen-mcp ${report.version}: permissions held, compared with deno.json set "${report.set}"`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ];
  for (const kind of PERMISSION_KINDS) {
    const p = report.permissions[kind];
    if (p.state !== "partial") continue;
    out.push("", `${kind}${p.note ? ` - ${p.note}` : ""}:`, ...wrap(p.values, 98));
  }
  out.push(
    "",
    report.matches_set
      ? `This process holds every grant of the "${report.set}" set, and no kind beyond it in ` +
        "full. Deno cannot list grants, so values granted beyond the set's would not show here."
      : `This process does NOT hold the "${report.set}" set (see "matches").`,
  );
  return out.join("\n");
}

function wrap(values: string[], width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const value of values) {
    const next = current ? `${current}, ${value}` : value;
    if (current && next.length + 2 > width) {
      lines.push(`  ${current},`);
      current = value;
    } else {
      current = next;
    }
  }
  if (current) lines.push(`  ${current}`);
  return lines;
}

/** The report as pretty JSON (what `--json` prints). */
export function renderPermissionsJson(report: PermissionReport): string {
  return JSON.stringify(report, null, 2);
}

/**
 * `codegen-mcp permissions [--json] [--set NAME]`: the text to print and the exit code (0
 * when this process holds exactly the set, 1 when not, 2 for bad flags).
 */
export async function runPermissions(
  args: string[],
): Promise<{ exitCode: number; output: string }> {
  let values: { json?: boolean; set?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { json: { type: "boolean" }, set: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { exitCode: 2, output: err instanceof Error ? err.message : String(err) };
  }
  const set = values.set ?? DEFAULT_SET;
  if (!PERMISSION_SETS[set]) {
    const known = Object.keys(PERMISSION_SETS).join(", ");
    return { exitCode: 2, output: `Unknown permission set "${set}": known sets are ${known}` };
  }
  const report = await describePermissions({ set });
  const output = values.json ? renderPermissionsJson(report) : renderPermissionsTable(report);
  // a process that does not hold the set it is checked against fails the check (scripts)
  return { exitCode: report.matches_set ? 0 : 1, output };
}

/**
 * The `startup` audit record: what the process holds per kind at start-up, and the
 * narrowed grants of its threads, so the log says under which permissions the calls after
 * it ran. Values are permission names, paths, hosts and variable names, never secrets.
 */
export function permissionsAuditEvent(
  report: PermissionReport,
  threads: Record<string, Deno.PermissionOptionsObject> = {},
): AuditEvent {
  const held: Record<string, string | string[]> = {};
  for (const kind of PERMISSION_KINDS) {
    const p = report.permissions[kind];
    held[kind] = p.state === "partial" ? p.values : p.state;
  }
  return {
    kind: "startup",
    principal: "system",
    session_id: "-",
    tool: "startup",
    arguments: {
      version: report.version,
      permission_set: report.set,
      matches_set: report.matches_set,
      held,
      threads,
    },
    decision: "allowed",
    outcome: "ok",
    duration_ms: 0,
  };
}

/** Options for {@link dropFrontPermissions}. */
export interface DropOptions {
  /** Keep network access (HTTP transport, gRPC listener, Redis, admin port). */
  keepNet: boolean;
}

/**
 * Revokes, in the calling (main) thread, `read`, `write`, `run` and `ffi`, and `net` unless
 * `keepNet`: call it after the audit and worker threads are started and every file the
 * front needs (TLS files, modules loaded on demand) is read. Threads keep the grants they
 * were created with; the MCP front then cannot read or write a file or start a process.
 */
export async function dropFrontPermissions(options: DropOptions): Promise<void> {
  const names: Deno.PermissionName[] = ["read", "write", "run", "ffi"];
  if (!options.keepNet) names.push("net");
  for (const name of names) await Deno.permissions.revoke({ name });
}

/**
 * The grants the coordinator's threads start with for `config`: `audit`, `stdout` (stdio
 * only) and `embedded-<i>` (paths as configured; the threads grant their real paths). For
 * the start-up record.
 */
export function threadGrants(config: Config): Record<string, Deno.PermissionOptionsObject> {
  const grants: Record<string, Deno.PermissionOptionsObject> = {};
  const log = config.auditLog.startsWith("/")
    ? config.auditLog
    : `${Deno.cwd()}/${config.auditLog}`;
  grants.audit = auditThreadPermissions(log.slice(0, log.lastIndexOf("/")) || "/");
  if (config.transport === "stdio") grants.stdout = STDOUT_THREAD_PERMISSIONS;
  for (let i = 1; i <= config.localWorkers; i++) {
    const workspaceRoot = config.localWorkers === 1
      ? config.workspaceRoot
      : `${config.workspaceRoot}/embedded-${i}`;
    grants[`embedded-${i}`] = workerThreadPermissions({
      workspaceRoot,
      insecureNoSandbox: config.insecureNoSandbox,
    });
  }
  return grants;
}

/** Whether the coordinator's front needs the network with this configuration. */
export function frontNeedsNet(config: Config): boolean {
  return config.transport === "http" || config.grpcPort !== undefined ||
    config.localWorkers === 0 || config.redisUrl !== undefined || config.adminPort !== undefined;
}
