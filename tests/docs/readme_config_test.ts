/**
 * The README's configuration table against the loader: every variable the program reads is
 * documented, each documented default is the default, each documented bound is the bound,
 * a bad value is refused naming the variable or flag, and deno.json grants exactly these.
 * @module
 */
import assert from "node:assert/strict";
import {
  type Env,
  ENV_VARS,
  loadConfig,
  type LoadResult,
  loadWorkerConfig,
  SERVE_OPTIONS,
  WORKER_OPTIONS,
} from "../../src/config/mod.ts";
import { PERMISSION_SETS } from "../../src/app/permissions.ts";
import { codeSpans, firstTable, readme, section } from "./_readme.ts";

interface Row {
  vars: string[];
  flags: string[];
  defaults: string;
  meaning: string;
  worker: boolean;
}

const HOME = "/home/u";
const XDG = "/xdg";
// the worker needs a coordinator; given in the environment so a row can override it
const WORKER_ENV: Env = { HOME, COORDINATOR_ADDR: "127.0.0.1:50050" };
// read only to find the default data directory, which the WORKSPACE_ROOT row documents
const DATA_DIR_VARS = ["XDG_DATA_HOME", "HOME"];
// values each variable must refuse at least one of
const BAD_VALUES = ["not a value", "-1", "0", "2", " ", "*.example", "70000"];

function rows(): Row[] {
  return firstTable(section(readme(), "Configuration")).map(([vars, flags, defaults, meaning]) => ({
    vars: codeSpans(vars!),
    flags: codeSpans(flags!),
    defaults: defaults!,
    meaning: meaning!,
    worker: meaning!.startsWith("worker:"),
  }));
}

function load(row: Row, args: string[], env: Env): LoadResult<Record<string, unknown>> {
  return row.worker
    ? loadWorkerConfig(args, { ...WORKER_ENV, ...env })
    : loadConfig(args, { HOME, ...env });
}

// the worker's default id is random: compare its shape, not its value
function loaded(result: LoadResult<Record<string, unknown>>, what: string) {
  assert.ok(result.ok, `${what}: ${result.ok ? "" : result.message}`);
  const config = { ...result.config };
  if (typeof config.workerId === "string" && /^worker-[0-9a-f]{8}$/.test(config.workerId)) {
    config.workerId = "worker-<8 hex>";
  }
  return config;
}

function refusalNames(result: LoadResult<unknown>, name: string): boolean {
  return !result.ok && result.message.includes(name) && !result.message.includes("\n");
}

/** The documented default of one variable: the value to set, and the environment it needs. */
function documentedDefaults(row: Row): { name: string; value: string; env: Env }[] {
  if (row.defaults.startsWith("—")) return [];
  const spans = codeSpans(row.defaults);
  // one value per variable, or alternatives for a single variable ("... or ...")
  const pairs = spans.length === row.vars.length
    ? spans.map((value, i) => ({ name: row.vars[i]!, value }))
    : spans.map((value) => ({ name: row.vars[0]!, value }));
  return pairs.map(({ name, value }) => {
    const env: Env = row.defaults.includes("in http mode") ? { MCP_TRANSPORT: "http" } : {};
    if (value.includes("$XDG_DATA_HOME")) env.XDG_DATA_HOME = XDG;
    return {
      name,
      value: value.replace("$XDG_DATA_HOME", XDG).replace(/^~/, HOME)
        .replace("<data dir>", `${HOME}/.local/share/codegen-mcp`),
      env,
    };
  });
}

Deno.test("the configuration table documents every variable the program reads, and only those", () => {
  const documented = rows().flatMap((r) => r.vars);
  assert.deepEqual(
    [...documented].sort(),
    ENV_VARS.filter((v) => !DATA_DIR_VARS.includes(v)).sort(),
  );
  const root = rows().find((r) => r.vars.includes("WORKSPACE_ROOT"))!;
  assert.match(root.defaults, /\$XDG_DATA_HOME.*~\//, "the data directory's variables");
});

Deno.test("deno.json's coordinator and worker sets grant the documented variables plus gRPC's own", () => {
  for (const set of ["coordinator", "worker"]) {
    const granted = PERMISSION_SETS[set]!.env as string[];
    const extra = granted.filter((v) => !(ENV_VARS as readonly string[]).includes(v));
    assert.deepEqual(ENV_VARS.filter((v) => !granted.includes(v)), [], `${set} grants all`);
    // the README's permissions table: "plus the GRPC_*/proxy variables gRPC reads"
    assert.deepEqual(extra.filter((v) => !/^GRPC_[A-Z_]+$|^[a-z_]+_proxy$/.test(v)), [], set);
  }
  const reviewers = section(readme(), "For security reviewers");
  assert.match(reviewers, /`GRPC_\*`\/proxy variables/);
  for (const name of DATA_DIR_VARS) assert.ok(reviewers.includes(`\`${name}\``), name);
});

Deno.test("each documented default, set by variable or flag, loads as what the program uses unset", () => {
  let checked = 0;
  for (const row of rows()) {
    for (const { name, value, env } of documentedDefaults(row)) {
      checked++;
      const unset = loaded(load(row, [], env), `${name} unset`);
      if (value.includes("<")) {
        // a shape, like worker-<8 hex>
        assert.ok(Object.values(unset).includes(value), `${name} defaults to ${value}`);
        continue;
      }
      assert.deepEqual(loaded(load(row, [], { ...env, [name]: value }), name), unset, name);
      const flag = row.flags[row.vars.indexOf(name)];
      if (flag && !isBooleanFlag(flag)) {
        assert.deepEqual(loaded(load(row, [flag, value], env), flag), unset, flag);
      }
    }
    // "(worker: `<data dir>/worker-workspaces`)": the worker's own default
    const workerDefault = /\(worker: `([^`]+)`\)/.exec(row.meaning)?.[1];
    if (workerDefault) {
      const value = workerDefault.replace("<data dir>", `${HOME}/.local/share/codegen-mcp`);
      const unset = loaded(loadWorkerConfig([], WORKER_ENV), "worker");
      const set = loaded(loadWorkerConfig([], { ...WORKER_ENV, [row.vars[0]!]: value }), "worker");
      assert.deepEqual(set, unset, `worker ${row.vars[0]}`);
    }
  }
  // a table the parser misreads must not pass by checking nothing
  assert.ok(checked >= 25, `${checked} defaults checked`);
});

Deno.test("a required setting, unset, is refused naming its flag and variable", () => {
  const required = rows().filter((r) => r.defaults.includes("(required)"));
  assert.ok(required.length > 0);
  for (const row of required) {
    const result = load(row, [], { [row.vars[0]!]: undefined });
    assert.ok(refusalNames(result, row.vars[0]!) && refusalNames(result, row.flags[0]!));
  }
});

Deno.test("every documented variable and flag refuses a bad value in one line naming it", () => {
  for (const row of rows()) {
    for (const name of row.vars) {
      assert.ok(
        BAD_VALUES.some((bad) => refusalNames(load(row, [], { [name]: bad }), name)),
        `${name} refuses a bad value, naming it`,
      );
    }
    for (const flag of row.flags.filter((f) => !isBooleanFlag(f))) {
      assert.ok(
        BAD_VALUES.some((bad) => refusalNames(load(row, [flag, bad], {}), flag)),
        `${flag} refuses a bad value, naming it`,
      );
    }
  }
});

Deno.test("a boolean flag in the table is the variable set to the flag's name", () => {
  // `--debug` is LOG_LEVEL=debug
  let checked = 0;
  for (const row of rows()) {
    for (const flag of row.flags.filter(isBooleanFlag)) {
      checked++;
      const name = row.vars[row.flags.indexOf(flag)]!;
      assert.deepEqual(
        loaded(load(row, [flag], {}), flag),
        loaded(load(row, [], { [name]: flag.slice(2) }), name),
      );
    }
  }
  assert.ok(checked >= 1, "--debug at least");
});

Deno.test("documented bounds are the bounds, and every bounded count says its bound", () => {
  let upper = 0;
  let lower = 0;
  for (const row of rows()) {
    const name = row.vars[0]!;
    // "at most N", "≥ N" or "N to M"
    const range = /\((\d[\d,]*) to ([\d,]+)/.exec(row.meaning);
    const atMost = (/at most ([\d,]+)/.exec(row.meaning)?.[1] ?? range?.[2])?.replaceAll(",", "");
    const atLeast = (/≥ (\d+)/.exec(row.meaning)?.[1] ?? range?.[1])?.replaceAll(",", "");
    if (atMost) {
      upper++;
      assert.ok(load(row, [], { [name]: atMost }).ok, `${name}=${atMost} is accepted`);
      assert.ok(!load(row, [], { [name]: String(Number(atMost) + 1) }).ok, `${name} > ${atMost}`);
    }
    if (atLeast) {
      lower++;
      assert.ok(load(row, [], { [name]: atLeast }).ok, `${name}=${atLeast} is accepted`);
      assert.ok(!load(row, [], { [name]: String(Number(atLeast) - 1) }).ok, `${name} < ${atLeast}`);
    }
    // a count with a hidden upper bound would surprise: the table must say it (ports aside)
    const count = codeSpans(row.defaults)[0];
    if (count && /^\d+$/.test(count) && !name.endsWith("_PORT")) {
      const huge = load(row, [], { [name]: "99999999" });
      assert.ok(huge.ok || atMost !== undefined, `${name} is bounded: say "at most N"`);
    }
  }
  assert.ok(upper >= 4 && lower >= 1, `${upper} upper and ${lower} lower bounds checked`);
});

Deno.test("every flag in the table is one the command takes", () => {
  for (const row of rows()) {
    const options: Record<string, unknown> = row.worker ? WORKER_OPTIONS : SERVE_OPTIONS;
    for (const flag of row.flags) assert.ok(flag.slice(2) in options, flag);
  }
});

function isBooleanFlag(flag: string): boolean {
  const option = (SERVE_OPTIONS as Record<string, { type: string }>)[flag.slice(2)] ??
    (WORKER_OPTIONS as Record<string, { type: string }>)[flag.slice(2)];
  return option?.type === "boolean";
}

Deno.test("the duration and size forms the README names are accepted, and 24d is the longest", () => {
  const intro = section(readme(), "Configuration").split("\n|")[0]!;
  const [durations, sizes] = intro.split("sizes accept");
  const base = { HOME };
  for (const text of codeSpans(durations!)) {
    assert.ok(loadConfig([], { ...base, SESSION_MAX_AGE: text }).ok, `duration ${text}`);
  }
  assert.ok(durations!.includes("up to `24d`"));
  assert.ok(!loadConfig([], { ...base, SESSION_MAX_AGE: "25d" }).ok);
  assert.ok(codeSpans(sizes!).length >= 3);
  for (const text of codeSpans(sizes!)) {
    assert.ok(loadConfig([], { ...base, MAX_FILE_BYTES: text }).ok, `size ${text}`);
  }
});
