import assert from "node:assert/strict";
import { loadConfig } from "../config/mod.ts";
import { CodegenError } from "../core/mod.ts";
import { exposureWarning, runServe } from "./serve.ts";

function config(args: string[], env: Record<string, string> = {}) {
  const loaded = loadConfig(args, { HOME: "/home/u", ...env });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.message);
  return loaded.config;
}

Deno.test("exposureWarning: HTTP on a non-loopback host without MCP_AUTH_TOKEN is warned about", () => {
  const warning = exposureWarning(config(["--transport", "http", "--host", "0.0.0.0"]));
  assert.match(warning ?? "", /anyone who can reach the port can run code; set MCP_AUTH_TOKEN/);
  assert.match(
    exposureWarning(config(["--transport", "http", "--host", "10.1.2.3"])) ?? "",
    /10\.1\.2\.3/,
  );
});

Deno.test("exposureWarning stays quiet with a token, on loopback, or over stdio", () => {
  const token = { MCP_AUTH_TOKEN: "t0ken" };
  assert.equal(
    exposureWarning(config(["--transport", "http", "--host", "0.0.0.0"], token)),
    undefined,
  );
  assert.equal(exposureWarning(config(["--transport", "http"])), undefined);
  assert.equal(exposureWarning(config(["--transport", "http", "--host", "localhost"])), undefined);
  assert.equal(exposureWarning(config(["--host", "0.0.0.0"])), undefined);
});

Deno.test("runServe() names the HTTP address given when its host cannot be bound", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const http = config([
      "--transport=http",
      "--host=10.1.2.3",
      "--port=18085",
      "--grpc-port=0",
      `--audit-log=${dir}/audit.jsonl`,
      `--workspace-root=${dir}/workspaces`,
    ]);
    // 10.1.2.3 is neither this machine's nor in the tests' net grant: refused either way,
    // before the coordinator starts (it would have bound gRPC on "10.1.2.3:0" first)
    await assert.rejects(runServe(http), (err: unknown) => {
      assert.ok(err instanceof CodegenError, String(err));
      assert.equal(err.code, "CONFIG_INVALID");
      assert.match(
        err.message,
        /^Cannot listen on "10\.1\.2\.3:18085" \(check --host \(HTTP_HOST\)\): /,
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
