/**
 * The README's argument limits against the tools' input schemas as clients see them:
 * every bound a schema sets is documented, and every documented bound is the schema's.
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { type Config, loadConfig } from "../../src/config/mod.ts";
import { ALL_TOOLS } from "../../src/mcp/tools/mod.ts";
import { MAX_ENV_CHARS, MAX_ENV_VARS } from "../../src/worker/python/mod.ts";
import { codeSpans, firstTable, readme, section } from "./_readme.ts";

interface Property {
  type?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  items?: Property;
  additionalProperties?: Property;
}

function config(): Config {
  const loaded = loadConfig([], { HOME: "/home/u" });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

/** The bounds a schema property sets, in the words the facts below use. */
function schemaFacts(p: Property): string[] {
  const facts: string[] = [];
  if (p.maxItems !== undefined) facts.push(`items ${p.minItems ?? 0}-${p.maxItems}`);
  if (p.items?.maxLength !== undefined) {
    facts.push(`item chars ${p.items.minLength ?? 0}-${p.items.maxLength}`);
  }
  if (p.maxLength !== undefined) facts.push(`chars ${p.minLength ?? 0}-${p.maxLength}`);
  if (p.additionalProperties?.maxLength !== undefined) {
    facts.push(`value chars 0-${p.additionalProperties.maxLength}`);
  }
  if (p.type === "integer" && p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER) {
    facts.push(`range ${p.minimum}-${p.maximum}`);
  }
  // a path's bound is the path validator's; the schema states it in its description
  const bytes = /at most (\d+) bytes/.exec(p.description ?? "")?.[1];
  if (bytes) facts.push(`bytes 0-${bytes}`);
  return facts.sort();
}

/** The bounds one documented limit states. */
function docFacts(limit: string, c: Config): string[] {
  const text = limit.replaceAll("`MAX_ARGUMENT_BYTES`", String(c.limits.maxArgumentBytes))
    .replaceAll("`RUN_TIMEOUT_MAX`", String(c.limits.runTimeoutMaxSeconds))
    .replace(/(\d),(\d)/g, "$1$2");
  const range = (from: string | undefined, to: string) => `${from ?? 0}-${to}`;
  let m = /^(?:(\d+) to )?(\d+) items of (?:at most |(\d+) to )?(\d+) characters/.exec(text);
  if (m) return [`item chars ${range(m[3], m[4]!)}`, `items ${range(m[1], m[2]!)}`];
  if ((m = /^values of at most (\d+) characters/.exec(text))) return [`value chars 0-${m[1]}`];
  if ((m = /^(?:(\d+) to )?(\d+) characters/.exec(text))) return [`chars ${range(m[1], m[2]!)}`];
  if ((m = /^(\d+) bytes/.exec(text))) return [`bytes 0-${m[1]}`];
  if ((m = /^(\d+) to (\d+) seconds/.exec(text))) return [`range ${m[1]}-${m[2]}`];
  throw new Error(`a limit this test cannot read: ${limit}`);
}

function limitRows(): { tool?: string; args: string[]; limit: string }[] {
  return firstTable(section(readme(), "Tools").split("### Argument limits")[1]!).map(
    ([what, limit]) => {
      const spans = codeSpans(what!);
      const tool = spans[0]!.includes(".") ? spans.shift() : undefined;
      return { ...(tool ? { tool } : {}), args: spans, limit: limit! };
    },
  );
}

Deno.test("every bound in a tool's input schema is documented as the README's argument limits say", () => {
  const c = config();
  const rows = limitRows();
  let checked = 0;
  for (const tool of ALL_TOOLS.map((f) => f(c))) {
    const input = z.toJSONSchema(tool.input, { io: "input" }) as {
      properties?: Record<string, Property>;
    };
    for (const [arg, property] of Object.entries(input.properties ?? {})) {
      const facts = schemaFacts(property);
      const row = rows.find((r) => r.tool === tool.name && r.args.includes(arg)) ??
        rows.find((r) => r.tool === undefined && r.args.includes(arg));
      if (facts.length === 0) {
        assert.equal(row, undefined, `${tool.name} ${arg} has no bound to document`);
        continue;
      }
      assert.ok(row, `${tool.name} ${arg} is bounded (${facts}): document it`);
      assert.deepEqual(docFacts(row.limit, c).sort(), facts, `${tool.name} ${arg}`);
      checked++;
    }
  }
  assert.ok(checked >= 15);
});

Deno.test("each documented argument limit names arguments some tool takes", () => {
  const c = config();
  const tools = ALL_TOOLS.map((f) => f(c));
  for (const row of limitRows()) {
    for (const arg of row.args) {
      const takers = tools.filter((t) =>
        (row.tool === undefined || t.name === row.tool) && arg in t.input.shape
      );
      assert.ok(takers.length > 0, `${row.tool ?? "a tool"} takes ${arg}`);
    }
  }
});

Deno.test("run.python's env totals are the worker's", () => {
  const env = limitRows().find((r) => r.tool === "run.python" && r.args.includes("env"))!;
  const m = /at most ([\d,]+) variables and ([\d,]+) characters in all/.exec(env.limit);
  assert.ok(m, env.limit);
  assert.deepEqual(
    [Number(m[1]!.replaceAll(",", "")), Number(m[2]!.replaceAll(",", ""))],
    [MAX_ENV_VARS, MAX_ENV_CHARS],
  );
});
