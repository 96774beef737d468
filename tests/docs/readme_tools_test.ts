/**
 * The README's tool table against the tools' zod schemas, as clients see them (JSON
 * Schema): names, arguments, which are optional, documented defaults and choices, and the
 * fields of the structured result; and the error codes the README lists against the code.
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { type Config, loadConfig } from "../../src/config/mod.ts";
import { ERROR_CODES } from "../../src/core/mod.ts";
import { ALL_TOOLS, type ToolDefinition } from "../../src/mcp/tools/mod.ts";
import { codeSpans, firstTable, readme, section, splitTopLevel } from "./_readme.ts";

interface JsonSchema {
  type?: string;
  description?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

interface ToolRow {
  names: string[];
  args: string;
  result: string;
}

/** A documented field: `name`, `name?`, `name[]`, `name[{a,b}]`. */
interface Field {
  name: string;
  optional: boolean;
  nested?: string[];
}

function config(): Config {
  const loaded = loadConfig([], { HOME: "/home/u" });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

function tools(): Map<string, ToolDefinition> {
  const c = config();
  return new Map(ALL_TOOLS.map((f) => f(c)).map((t) => [t.name, t]));
}

function toolRows(): ToolRow[] {
  return firstTable(section(readme(), "Tools")).map(([names, args, result]) => ({
    names: codeSpans(names!),
    args: args!,
    result: result!,
  }));
}

function schema(type: z.ZodType): JsonSchema {
  return z.toJSONSchema(type, { io: "input" }) as JsonSchema;
}

function field(item: string): Field {
  const m = /^(\w+)(?:\[(?:\{(.*)\})?\])?(\?)?$/.exec(item);
  assert.ok(m, `a field: ${item}`);
  return {
    name: m[1]!,
    optional: m[3] === "?",
    ...(m[2] !== undefined ? { nested: m[2].split(",").map((s) => s.trim()) } : {}),
  };
}

/** The documented result fields; those in `(+ ...)` come only sometimes, so are optional. */
function resultFields(cell: string): Field[] {
  const sometimes = new Set(codeSpans(/\(\+ (.*)\)/.exec(cell)?.[1] ?? ""));
  return codeSpans(cell).flatMap((span) =>
    splitTopLevel(span).map((item) => ({
      ...field(item),
      ...(sometimes.has(span) ? { optional: true } : {}),
    }))
  );
}

Deno.test("the tool table names every tool the server offers, once", () => {
  const documented = toolRows().flatMap((r) => r.names);
  assert.deepEqual([...documented].sort(), [...tools().keys()].sort());
});

Deno.test("each tool's documented arguments are its input schema's, optional where marked", () => {
  const all = tools();
  for (const row of toolRows()) {
    const spans = row.args === "—" ? [] : codeSpans(row.args);
    for (const name of row.names) {
      const input = schema(all.get(name)!.input);
      const required = new Set(input.required ?? []);
      const documented = spans.map((span) => {
        // `code` or `file`: exactly one is given, so neither is required by the schema
        const either = row.args.includes(`\`${span}\` or`) || row.args.includes(`or \`${span}\``);
        return { ...field(span), optional: field(span).optional || either };
      });
      assert.deepEqual(
        documented.map((f) => f.name).sort(),
        Object.keys(input.properties ?? {}).sort(),
        name,
      );
      for (const f of documented) {
        assert.equal(!required.has(f.name), f.optional, `${name} ${f.name} optional`);
        if (spans.includes(`${f.name}[]`)) {
          assert.equal(input.properties![f.name]!.type, "array", `${name} ${f.name}[]`);
        }
      }
    }
  }
});

Deno.test("documented argument defaults and choices are the schema's", () => {
  const all = tools();
  let checked = 0;
  for (const row of toolRows()) {
    for (const span of codeSpans(row.args)) {
      const name = field(span).name;
      const quoted = span.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const byDefault = new RegExp("`" + quoted + '`=("[^"]*"|[\\w.-]+)').exec(row.args)?.[1];
      const choices = new RegExp("`" + quoted + "` ([\\w-]+(?:\\|[\\w-]+)+)").exec(row.args)?.[1];
      for (const tool of row.names) {
        const property = schema(all.get(tool)!.input).properties![name]!;
        if (byDefault !== undefined) {
          // the default is applied by the worker; the schema's description tells clients
          assert.ok(property.description?.includes(`(default ${byDefault})`), `${tool} ${name}`);
          checked++;
        }
        if (choices !== undefined) {
          assert.deepEqual(property.enum, choices.split("|"), `${tool} ${name}`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked >= 4, "the table documents defaults and choices");
});

Deno.test("each tool's documented result fields are its output schema's", () => {
  const all = tools();
  for (const row of toolRows()) {
    const documented = resultFields(row.result);
    for (const name of row.names) {
      const tool = all.get(name)!;
      const input = schema(tool.input);
      const output = schema(tool.output);
      // a tool that can run in the background answers task_id and status instead
      const background = input.properties?.async !== undefined;
      const expected = documented.map((f) => f.name).concat(
        background ? ["task_id", "status"] : [],
      );
      assert.deepEqual(Object.keys(output.properties!).sort(), expected.sort(), name);
      const required = new Set(output.required ?? []);
      for (const f of documented) {
        if (f.optional || !background) {
          assert.equal(!required.has(f.name), f.optional, `${name} ${f.name} optional`);
        }
        if (f.nested && f.nested.length > 0) {
          const items = output.properties![f.name]!.items!;
          assert.deepEqual(Object.keys(items.properties!).sort(), [...f.nested].sort(), f.name);
        }
      }
    }
  }
});

/** Where the source is, to find the codes it writes. */
async function sourceText(): Promise<string> {
  const root = new URL("../../src/", import.meta.url);
  const texts: string[] = [];
  async function walk(dir: URL): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory && entry.name !== "gen") await walk(url);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        texts.push(await Deno.readTextFile(url));
      }
    }
  }
  await walk(root);
  return texts.join("\n");
}

Deno.test("every error code the README lists is one the code produces", async () => {
  const prose = section(readme(), "Tools");
  const paragraph = prose.slice(prose.indexOf("Every tool has an `inputSchema`"))
    .replace(/\s+/g, " ");
  const [couldNotRun, ranButFailed] = paragraph.split("A tool that ran but failed");
  const codes = (text: string) =>
    codeSpans(text!).filter((s) => /^[A-Z_]+:$/.test(s)).map((s) => s.slice(0, -1));
  const source = await sourceText();
  const listed = codes(couldNotRun!);
  assert.ok(listed.length >= 8);
  for (const code of listed) {
    assert.ok((ERROR_CODES as readonly string[]).includes(code), code);
    assert.ok(source.includes(`CodegenError("${code}"`), `something raises ${code}`);
  }
  const failed = codes(ranButFailed!.slice(0, ranButFailed!.indexOf(". ")));
  assert.ok(failed.length >= 5);
  for (const code of failed) assert.ok(source.includes(`${code}: `), `a result text ${code}:`);
});
