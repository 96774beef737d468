import assert from "node:assert/strict";
import { withoutHostPaths } from "./host_paths.ts";

Deno.test("withoutHostPaths() words the session's directories as the caller knows them", () => {
  const dirs = { workspace: "/srv/ws/sessions/abc", stateDir: "/srv/ws/state/abc" };
  assert.equal(
    withoutHostPaths(
      "No such file or directory (os error 2): remove '/srv/ws/sessions/abc/d1/f'",
      dirs,
    ),
    "No such file or directory (os error 2): remove 'd1/f'",
  );
  assert.equal(withoutHostPaths("in /srv/ws/sessions/abc", dirs), "in .");
  assert.equal(withoutHostPaths("venv /srv/ws/state/abc/venv", dirs), "venv <session state>/venv");
  assert.equal(withoutHostPaths("no path here", dirs), "no path here");
});
