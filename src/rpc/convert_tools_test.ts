import assert from "node:assert/strict";
import type { TaskRequest } from "./tasks.ts";
import { ToolRequest, ToolResponse } from "./gen/codegen/v1/tools.ts";
import { toolRequestFromProto, toolRequestToProto } from "./convert_tool_requests.ts";
import { type ToolResult, toolResultFromProto, toolResultToProto } from "./convert_tool_results.ts";

// One sample per tool, with optional fields both set and absent, sent through the binary
// encoding so the test covers the wire format and not just the object mapping.
const REQUESTS: TaskRequest[] = [
  { tool: "fs.read", args: { path: "a.txt" } },
  { tool: "fs.read", args: { path: "b.bin", encoding: "base64", offset: 0, length: 10 } },
  { tool: "fs.write", args: { path: "x", contents: "hé", encoding: "utf-8", append: false } },
  { tool: "fs.write", args: { path: "d/x", contents: "", create_dirs: true } },
  { tool: "fs.list", args: {} },
  { tool: "fs.list", args: { path: "src", recursive: true, pattern: "*.py" } },
  { tool: "fs.list", args: { path: "src", pattern: "*.py", after: "a.py" } },
  { tool: "fs.list", args: { path: "src", after: "a\uFFFD", limit: 250 } },
  { tool: "fs.delete", args: { path: "old", recursive: true } },
  { tool: "workspace.stats", args: {} },
  { tool: "run.python", args: { code: "print(1)" } },
  {
    tool: "run.python",
    args: {
      file: "main.py",
      args: ["--n", "3"],
      stdin: "in",
      env: { A: "1", B: "" },
      timeout_seconds: 2.5,
      stateful: true,
    },
  },
  { tool: "pkg.install", args: { packages: ["requests==2.0"], upgrade: true, no_deps: false } },
  { tool: "pkg.install", args: { packages: [], index_url: "https://example.test/simple" } },
  { tool: "test.run", args: {} },
  { tool: "test.run", args: { path: "tests", args: ["-k", "fast"], timeout_seconds: 60 } },
  { tool: "artifact.get", args: { path: "plot.png" } },
];

const RESULTS: ToolResult[] = [
  {
    tool: "fs.read",
    result: { path: "a", contents: "aGk=", encoding: "base64", size_bytes: 2, truncated: true },
  },
  { tool: "fs.write", result: { path: "a", bytes_written: 5_000_000_000 } },
  {
    tool: "fs.list",
    result: {
      entries: [
        { path: "d", name: "d", size_bytes: 0, is_directory: true, modified_time_ms: 1 },
        {
          path: "d/f",
          name: "f",
          size_bytes: 3,
          is_directory: false,
          modified_time_ms: 1_767_225_600_000,
        },
      ],
      total_count: 2,
      truncated: false,
    },
  },
  {
    tool: "fs.list",
    result: { entries: [], total_count: 9, truncated: true, next_after: "z\uFFFD", skipped: 2 },
  },
  { tool: "fs.delete", result: { path: "x", deleted: true } },
  { tool: "workspace.stats", result: { workspace_bytes: 10, file_count: 1 } },
  { tool: "workspace.stats", result: { workspace_bytes: 0, file_count: 0, has_state: true } },
  {
    tool: "run.python",
    result: {
      stdout: "1\n",
      stderr: "",
      exit_code: -9,
      duration_ms: 12.5,
      timed_out: true,
      truncated: false,
      artifacts: [{ path: "o.png", size_bytes: 9, change: "created" }, {
        path: "m",
        size_bytes: 1,
        change: "modified",
      }],
      interpreter_restarted: "crashed",
      artifacts_truncated: true,
    },
  },
  {
    tool: "pkg.install",
    result: {
      installed: [{ name: "six", version: "1.0" }],
      failed: ["nope"],
      exit_code: 1,
      output_tail: "...",
    },
  },
  {
    tool: "test.run",
    result: {
      passed: 3,
      failed: 1,
      errors: 0,
      skipped: 2,
      duration_ms: 40,
      exit_code: 1,
      failures: [{ test: "t::a", message: "assert 1 == 2" }],
      output_tail: "1 failed",
    },
  },
  {
    tool: "artifact.get",
    result: { path: "p", mime_type: "text/plain", size_bytes: 2, encoding: "text", data: "hi" },
  },
];

Deno.test("every task request survives a round trip through the proto wire format", () => {
  for (const task of REQUESTS) {
    const bytes = ToolRequest.encode(toolRequestToProto(task)).finish();
    assert.deepEqual(toolRequestFromProto(ToolRequest.decode(bytes)), task);
  }
});

Deno.test("every tool result survives a round trip through the proto wire format", () => {
  for (const result of RESULTS) {
    const bytes = ToolResponse.encode(toolResultToProto(result)).finish();
    assert.deepEqual(toolResultFromProto(ToolResponse.decode(bytes)), result);
  }
});

Deno.test("the samples cover every tool in both directions", () => {
  const tools = new Set(REQUESTS.map((r) => r.tool));
  assert.deepEqual(new Set(RESULTS.map((r) => r.tool)), tools);
  assert.equal(tools.size, 9);
});

Deno.test("a request or response without a tool is rejected as INVALID_ARGUMENT", () => {
  assert.throws(() => toolRequestFromProto({}), { code: "INVALID_ARGUMENT" });
  assert.throws(() => toolResultFromProto({}), { code: "INVALID_ARGUMENT" });
});

Deno.test("an unspecified enum value from the wire is rejected, not guessed", () => {
  const message = { tool: { $case: "fs_read" as const, value: { path: "a", encoding: 0 } } };
  assert.throws(() => toolRequestFromProto(message), { code: "INVALID_ARGUMENT" });
});
