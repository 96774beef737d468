import assert from "node:assert/strict";
import { MemoryAuditSink } from "../audit/mod.ts";
import {
  describePermissions,
  type HeldPermission,
  PERMISSION_KINDS,
  PERMISSION_SETS,
  type PermissionReport,
  permissionsAuditEvent,
  renderPermissionsJson,
  renderPermissionsTable,
  runPermissions,
  threadGrants,
} from "./permissions.ts";
import { type Config, ENV_VARS } from "../config/mod.ts";

function report(overrides: Partial<PermissionReport["permissions"]> = {}): PermissionReport {
  const denied: HeldPermission = { state: "denied", values: [], configured: false, matches: true };
  const permissions = Object.fromEntries(PERMISSION_KINDS.map((k) => [k, denied])) as Record<
    (typeof PERMISSION_KINDS)[number],
    HeldPermission
  >;
  Object.assign(permissions, overrides);
  return {
    version: "9.9.9",
    set: "coordinator",
    matches_set: Object.values(permissions).every((p) => p.matches),
    permissions,
  };
}

Deno.test("PERMISSION_SETS carries deno.json's sets, so a compiled binary can show them", () => {
  assert.ok(PERMISSION_SETS.coordinator);
  assert.equal(PERMISSION_SETS.coordinator!.read, true);
  assert.deepEqual(PERMISSION_SETS.coordinator!.run, ["bwrap", "python3"]);
  assert.ok((PERMISSION_SETS.coordinator!.env as string[]).includes("WORKSPACE_ROOT"));
});

Deno.test("the coordinator and worker sets grant every variable the configuration reads, alike", () => {
  // one binary serves both subcommands with the coordinator set: `deno task worker` must
  // behave as the binary does, and an ungranted variable is silently unset (--ignore-env)
  assert.deepEqual(PERMISSION_SETS.worker, PERMISSION_SETS.coordinator);
  const env = new Set(PERMISSION_SETS.coordinator!.env as string[]);
  assert.deepEqual(ENV_VARS.filter((name) => !env.has(name)), []);
});

Deno.test("describePermissions() reports what this test process holds against a set", async () => {
  // tests run with the "test" grants: read, write, env, net, run, sys all; ffi, import none
  const got = await describePermissions({ set: "coordinator" });
  assert.equal(got.set, "coordinator");
  assert.deepEqual(got.permissions.read, {
    state: "granted",
    values: [],
    configured: true,
    matches: true,
  });
  assert.equal(got.permissions.env.state, "granted");
  assert.equal(got.permissions.env.matches, false, "all env is more than the listed variables");
  assert.equal(got.permissions.ffi.state, "denied");
  assert.equal(got.permissions.ffi.matches, true);
  assert.equal(got.matches_set, false);
});

Deno.test("describePermissions() rejects an unknown set by name", async () => {
  await assert.rejects(describePermissions({ set: "nope" }), /Unknown permission set "nope"/);
});

Deno.test("renderPermissionsTable() aligns one row per kind and lists partial values", () => {
  const text = renderPermissionsTable(report({
    read: { state: "granted", values: [], configured: true, matches: true },
    run: { state: "partial", values: ["bwrap"], configured: ["bwrap", "python3"], matches: false },
  }));
  const lines = text.split("\n");
  assert.equal(
    lines[0],
    'codegen-mcp 9.9.9: permissions held, compared with deno.json set "coordinator"',
  );
  assert.equal(lines[2], 'kind    held by this process           set "coordinator"  matches');
  assert.equal(lines[4], "read    granted (all)                  all                yes");
  assert.equal(lines[5], "write   denied                         none               yes");
  assert.equal(lines[8], "run     granted for listed values (1)  2 listed           NO");
  assert.ok(text.includes("\nrun:\n  bwrap\n"));
  assert.match(text, /does NOT hold the "coordinator" set/);
});

Deno.test("renderPermissionsJson() is the report as parseable JSON", () => {
  const r = report();
  assert.deepEqual(JSON.parse(renderPermissionsJson(r)), r);
  assert.match(
    renderPermissionsTable(r),
    /holds every grant of the "coordinator" set, and no kind beyond it in full/,
  );
});

Deno.test("runPermissions() prints JSON with --json and refuses unknown flags and sets", async () => {
  // the tests hold their own set, not the one checked: the check fails, the report is whole
  const json = await runPermissions(["--json", "--set", "worker"]);
  assert.equal(JSON.parse(json.output).set, "worker");
  assert.equal(json.exitCode, JSON.parse(json.output).matches_set ? 0 : 1);
  const table = await runPermissions([]);
  assert.equal(table.exitCode, 1);
  assert.match(table.output, /^kind +held by this process/m);
  assert.equal((await runPermissions(["--bogus"])).exitCode, 2);
  const unknown = await runPermissions(["--set", "nope"]);
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.output, /known sets are coordinator, worker, bench/);
});

Deno.test("permissionsAuditEvent() is a startup record the audit chain accepts", async () => {
  const event = permissionsAuditEvent(
    report({
      env: { state: "partial", values: ["HOME"], configured: ["HOME"], matches: true },
    }),
    { audit: { read: ["/var/log/codegen"], write: ["/var/log/codegen"] } },
  );
  assert.equal(event.kind, "startup");
  assert.deepEqual((event.arguments.held as Record<string, unknown>).env, ["HOME"]);
  assert.equal((event.arguments.held as Record<string, unknown>).write, "denied");
  const sink = new MemoryAuditSink();
  await sink.append(event);
  assert.equal(sink.records[0]!.kind, "startup");
  assert.equal(sink.records[0]!.tool, "startup");
});

Deno.test("threadGrants() gives the audit thread its directory and each embedded worker its root", () => {
  const config = {
    transport: "http",
    auditLog: "/var/log/codegen/audit.jsonl",
    workspaceRoot: "/srv/ws",
    localWorkers: 2,
    insecureNoSandbox: false,
  } as Config;
  const grants = threadGrants(config);
  assert.deepEqual(Object.keys(grants), ["audit", "embedded-1", "embedded-2"]);
  assert.deepEqual(grants.audit!.write, ["/var/log/codegen"]);
  assert.deepEqual(grants.audit!.run, false);
  assert.deepEqual(grants["embedded-2"]!.write, ["/srv/ws/embedded-2"]);
  assert.deepEqual(grants["embedded-1"]!.run, ["bwrap"]);
  assert.equal(grants["embedded-1"]!.net, false);
  // over stdio, the thread that writes stdout holds nothing at all
  const stdio = threadGrants({ ...config, transport: "stdio" });
  assert.deepEqual(Object.keys(stdio), ["audit", "stdout", "embedded-1", "embedded-2"]);
  for (const grant of Object.values(stdio.stdout!)) assert.equal(grant, false);
});
