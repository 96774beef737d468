import assert from "node:assert/strict";
import { createPythonSessions } from "../../../tests/support/python_sessions.ts";
import { type ScriptedEnds, scriptedRunner } from "./_pip_fixtures.ts";
import { pkgInstall } from "./pkg_install.ts";

async function errorText(ends: ScriptedEnds): Promise<string> {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  const { runner } = scriptedRunner(ends);
  const outcome = await pkgInstall(a.ctx, { packages: ["demo"] }, { runner });
  assert.ok(outcome.ok && outcome.is_error, JSON.stringify(outcome));
  assert.equal(outcome.result.exit_code, 137);
  return outcome.error_text ?? "";
}

Deno.test("pkgInstall() says a step was killed by a signal only when it was", async () => {
  assert.match(await errorText({ pipExit: 137 }), /^INSTALL_FAILED: pip exited with code 137:/);
  assert.match(
    await errorText({ pipExit: 137, pipSignal: "SIGKILL" }),
    /^INSTALL_FAILED: pip exited with code 137 \(killed by SIGKILL\):/,
  );
  assert.match(
    await errorText({ downloadExit: 137 }),
    /^INSTALL_FAILED: Cannot download the packages \(exit code 137\):/,
  );
  assert.match(
    await errorText({ downloadExit: 137, downloadSignal: "SIGXCPU" }),
    /^INSTALL_FAILED: Cannot download the packages \(exit code 137, killed by SIGXCPU\):/,
  );
});
