import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import { requireWellFormed } from "../../policy/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact } from "./_worker_tool.ts";
import { backgroundableTool } from "./_python_tool.ts";
import { asyncArg, asyncOutput } from "./schemas.ts";

/** `pkg.install`: installs packages into the session's virtual environment. */
export function pkgInstallTool(config: Config): ToolDefinition {
  return backgroundableTool({
    name: "pkg.install",
    tool: "pkg.install",
    title: "Install Python packages",
    description: "Install Python packages (requirement specifiers like 'requests>=2') into this " +
      "session's virtual environment; later run.python and test.run calls in the session see them. " +
      "Only pip gets network access, to the configured index.",
    input: z.object({
      packages: z.array(z.string().min(1).max(256)).min(1).max(50).describe(
        "Requirement specifiers",
      ),
      upgrade: z.boolean().optional(),
      index_url: z.string().url({
        error: "expected an absolute https URL, like https://pypi.org/simple",
      }).max(2048).optional().describe(
        "Package index (PEP 503 simple API, https)",
      ),
      no_deps: z.boolean().optional(),
      async: asyncArg,
    }),
    output: z.object({
      installed: z.array(z.object({ name: z.string(), version: z.string() })).optional(),
      failed: z.array(z.string()).optional(),
      exit_code: z.number().int().optional(),
      output_tail: z.string().optional(),
      ...asyncOutput,
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    validate: (a) => requireWellFormed({ packages: a.packages, index_url: a.index_url }),
    paths: () => [],
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) =>
      compact({
        packages: a.packages,
        upgrade: a.upgrade,
        index_url: a.index_url,
        no_deps: a.no_deps,
      }),
    reply(result) {
      const installed = result.installed.map((p) => `${p.name}==${p.version}`).join(", ") ||
        "nothing";
      const failed = result.failed.length ? `; failed: ${result.failed.join(", ")}` : "";
      return {
        structured: { ...result },
        text: `Installed ${installed}${failed} (exit code ${result.exit_code})`,
      };
    },
  });
}
