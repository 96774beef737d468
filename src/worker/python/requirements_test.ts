import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import {
  checkRequirement,
  MAX_PACKAGES,
  normalizeName,
  parseRequirements,
} from "./requirements.ts";

Deno.test("checkRequirement() accepts names, extras, version clauses and markers", () => {
  const accepted = [
    "requests",
    "Requests_OAuthlib",
    "zope.interface",
    "numpy==1.26.4",
    "numpy >= 1.20, < 2",
    "requests[socks,security]>=2.31",
    "pkg (>=1.0,<2.0)",
    "pkg~=1.4.2",
    "pkg===1.0+local",
    "pkg==1.*",
    'pkg; python_version >= "3.8"',
    "pkg>=1; python_version >= '3.8' and (os_name == 'posix' or sys_platform != 'win32')",
    'pkg; "linux" in sys_platform',
    'pkg; extra not in "docs"',
  ];
  for (const spec of accepted) {
    const check = checkRequirement(spec);
    assert.ok(check.ok, `${spec}: ${check.ok ? "" : check.reason}`);
  }
});

Deno.test("checkRequirement() refuses options, URLs, paths, archives and shell syntax", () => {
  const refused: [string, RegExp][] = [
    ["--index-url=https://evil.example/simple", /options are not allowed/],
    ["-e .", /options are not allowed/],
    ["-rrequirements.txt", /options are not allowed/],
    ["pkg --no-deps", /not a valid requirement/],
    ["pkg --index-url=https://evil.example", /paths|not a valid/],
    ["pkg @ https://evil.example/pkg.whl", /direct URL/],
    ["https://evil.example/pkg.whl", /URL|paths/],
    ["./local_dir", /paths/],
    ["../pkg", /paths/],
    ["pkg-1.0-py3-none-any.whl", /archive/],
    ["pkg.tar.gz", /archive/],
    ["pkg; rm -rf /", /bad environment marker/],
    ["pkg | cat", /not a valid requirement/],
    ["pkg && touch x", /not a valid requirement/],
    ["pkg$(id)", /not a valid requirement/],
    ["pkg`id`", /not a valid requirement/],
    ["pkg>1.0 <2", /not a valid requirement/],
    ['pkg; python_version >= "$(id)"', /bad environment marker/],
    ['pkg; evil_var == "1"', /unknown marker variable/],
    ['pkg; python_version >= "3.8" and', /bad environment marker/],
    ["pkg;", /bad environment marker/],
    ["pkg\nother", /control character/],
    ["", /empty/],
    ["x".repeat(201), /longer than/],
  ];
  for (const [spec, reason] of refused) {
    const check = checkRequirement(spec);
    assert.equal(check.ok, false, `${spec} should be refused`);
    if (!check.ok) assert.match(check.reason, reason, spec);
  }
});

Deno.test("normalizeName() folds case and runs of separators as PEP 503 says", () => {
  assert.equal(normalizeName("Zope.Interface"), "zope-interface");
  assert.equal(normalizeName("my__odd-._pkg"), "my-odd-pkg");
});

Deno.test("parseRequirements() returns names and names the bad entry when one is refused", () => {
  const reqs = parseRequirements(["Demo_Pkg>=1", "other"]);
  assert.deepEqual(reqs.map((r) => [r.spec, r.name, r.normalized]), [
    ["Demo_Pkg>=1", "Demo_Pkg", "demo-pkg"],
    ["other", "other", "other"],
  ]);
  assert.throws(
    () => parseRequirements(["ok", "--index-url=x"]),
    (err: unknown) =>
      err instanceof CodegenError && err.code === "INVALID_ARGUMENT" &&
      err.message === 'Cannot install "--index-url=x": options are not allowed',
  );
});

Deno.test("parseRequirements() bounds the list: empty and oversized lists are refused", () => {
  assert.throws(() => parseRequirements([]), /packages is empty/);
  const many = Array.from({ length: MAX_PACKAGES + 1 }, (_, i) => `p${i}`);
  assert.throws(() => parseRequirements(many), /at most 50 per call/);
});
