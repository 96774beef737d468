/**
 * Holds the sample `codegen-mcp permissions` output in docs/permissions.md to what the
 * program prints for deno.json's coordinator set, so a variable added to the set shows up
 * as a wrong count in the sample rather than going unnoticed.
 * @module
 */
import assert from "node:assert/strict";
import {
  DEFAULT_IMPORT_HOSTS,
  type HeldPermission,
  PERMISSION_KINDS,
  PERMISSION_SETS,
  type PermissionReport,
  renderPermissionsTable,
} from "../../src/app/permissions.ts";
import { VERSION } from "../../src/core/version.ts";
import { firstCodeBlock } from "./_readme.ts";

const DOC = new URL("../../docs/permissions.md", import.meta.url);

/** The sample's lines up to its `...` (the listed values it leaves out). */
function sampleTable(): string[] {
  const text = Deno.readTextFileSync(DOC);
  const start = text.indexOf("\n## `codegen-mcp permissions`\n");
  assert.ok(start >= 0, "docs/permissions.md has the permissions section");
  const lines = firstCodeBlock(text.slice(start)).split("\n");
  return lines.slice(0, lines.indexOf("..."));
}

/** What `deno run -P=coordinator main.ts permissions` holds: each kind exactly as granted. */
function coordinatorReport(): PermissionReport {
  const set = PERMISSION_SETS.coordinator!;
  const permissions = {} as Record<(typeof PERMISSION_KINDS)[number], HeldPermission>;
  for (const kind of PERMISSION_KINDS) {
    const configured = set[kind] ?? false;
    permissions[kind] = configured === true
      ? { state: "granted", values: [], configured, matches: true }
      : Array.isArray(configured) && configured.length > 0
      ? { state: "partial", values: configured, configured, matches: true }
      : { state: "denied", values: [], configured, matches: true };
  }
  // Deno answers "granted" for its default import hosts when the set grants no import
  permissions.import = {
    state: "partial",
    values: [...DEFAULT_IMPORT_HOSTS],
    configured: set.import ?? false,
    matches: true,
    note: "Deno's default import hosts; the set grants no import",
  };
  return { version: VERSION, set: "coordinator", matches_set: true, permissions };
}

Deno.test("docs/permissions.md's sample table is what `permissions` prints for the coordinator set", () => {
  const printed = renderPermissionsTable(coordinatorReport()).split("\n");
  const sample = sampleTable();
  assert.ok(sample.length >= 12, "the sample shows the header and a row per kind");
  assert.deepEqual(sample, printed.slice(0, sample.length));
});

Deno.test("the sample's env count is the number of variables deno.json's coordinator set grants", () => {
  const env = PERMISSION_SETS.coordinator!.env as string[];
  const row = sampleTable().find((l) => l.startsWith("env "));
  assert.ok(row, "the sample has an env row");
  assert.match(row, new RegExp(`\\(${env.length}\\)\\s+${env.length} listed\\s+yes$`));
});
