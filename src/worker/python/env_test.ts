import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { MAX_ENV_VARS, sandboxEnv, validateUserEnv } from "./env.ts";

function refused(env: Record<string, string>): boolean {
  try {
    validateUserEnv(env);
    return false;
  } catch (err) {
    return err instanceof CodegenError && err.code === "INVALID_ARGUMENT";
  }
}

Deno.test("validateUserEnv accepts ordinary names and values", () => {
  assert.deepEqual(validateUserEnv({ API_URL: "http://x", _x1: "" }), {
    API_URL: "http://x",
    _x1: "",
  });
  assert.deepEqual(validateUserEnv(undefined), {});
});

Deno.test("validateUserEnv refuses the sandbox's own variables and loader or Python switches", () => {
  for (
    const name of [
      "PATH",
      "HOME",
      "VIRTUAL_ENV",
      "PYTHONPATH",
      "PYTHONHOME",
      "PYTHONSTARTUP",
      "LD_PRELOAD",
      "LD_LIBRARY_PATH",
      "LANG",
      "LC_ALL",
    ]
  ) {
    assert.ok(refused({ [name]: "x" }), name);
  }
});

Deno.test("validateUserEnv refuses bad names, NUL bytes and oversized sets", () => {
  for (const name of ["1A", "A-B", "", "A B", "É"]) assert.ok(refused({ [name]: "x" }), name);
  assert.ok(refused({ A: "x\0y" }));
  const many = Object.fromEntries(
    Array.from({ length: MAX_ENV_VARS + 1 }, (_, i) => [`V${i}`, "x"]),
  );
  assert.ok(refused(many));
  assert.ok(refused({ BIG: "x".repeat(300 * 1024) }));
});

Deno.test("sandboxEnv puts the venv first on PATH only when there is one", () => {
  assert.equal(sandboxEnv(false).VIRTUAL_ENV, undefined);
  assert.ok(!sandboxEnv(false).PATH!.includes("/venv"));
  assert.ok(sandboxEnv(true).PATH!.startsWith("/venv/bin:"));
  assert.equal(sandboxEnv(true).PYTHONUNBUFFERED, "1");
});
