import assert from "node:assert/strict";
import { loadConfig } from "../config/mod.ts";
import { exposureWarning } from "./serve.ts";

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
