import assert from "node:assert/strict";
import { parseInstalled, pipInstallArgv } from "./pip_command.ts";
import { parseRequirements } from "./requirements.ts";

Deno.test("pipInstallArgv() puts the index in its own element and the requirements after --", () => {
  const reqs = parseRequirements(["demo>=1", "other[x]"]);
  const argv = pipInstallArgv(reqs, {
    indexUrl: "https://idx.example/simple/",
    upgrade: true,
    noDeps: true,
  });
  assert.equal(argv[0], "/venv/bin/python3");
  assert.ok(
    argv.includes("--isolated") && argv.includes("--upgrade") && argv.includes("--no-deps"),
  );
  const at = argv.indexOf("--index-url");
  assert.equal(argv[at + 1], "https://idx.example/simple/");
  assert.deepEqual(argv.slice(argv.indexOf("--")), ["--", "demo>=1", "other[x]"]);
  const plain = pipInstallArgv(reqs, { indexUrl: "https://i/" });
  assert.ok(!plain.includes("--upgrade"));
  // wheels only unless source builds were allowed
  assert.equal(plain[plain.indexOf("--only-binary") + 1], ":all:");
  const sdists = pipInstallArgv(reqs, { indexUrl: "https://i/", allowSourceBuilds: true });
  assert.ok(!sdists.includes("--only-binary"));
});

Deno.test("pipInstallArgv() trusts a plain-http index only when the operator configured it", () => {
  const reqs = parseRequirements(["demo"]);
  const mirror = "http://mirror.internal:3141/simple/";
  const trusted = pipInstallArgv(reqs, { indexUrl: mirror, operatorIndex: true });
  assert.deepEqual(trusted.slice(trusted.indexOf("--trusted-host"), -2), [
    "--trusted-host",
    "mirror.internal:3141",
  ]);
  assert.ok(!pipInstallArgv(reqs, { indexUrl: mirror }).includes("--trusted-host"));
  const https = pipInstallArgv(reqs, { indexUrl: "https://x/simple/", operatorIndex: true });
  assert.ok(!https.includes("--trusted-host"));
});

Deno.test("parseInstalled() reports requested names found, in request order, and the rest as failed", () => {
  const reqs = parseRequirements(["Demo_Pkg", "missing", "demo-pkg>=1"]);
  const out = 'noise\n{"demo-pkg": {"name": "demo.pkg", "version": "1.0"}}\n';
  assert.deepEqual(parseInstalled(out, reqs), {
    installed: [{ name: "demo.pkg", version: "1.0" }],
    failed: ["missing"],
  });
  assert.equal(parseInstalled("Traceback", reqs), undefined);
});
