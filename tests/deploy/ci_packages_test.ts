import assert from "node:assert/strict";
import { REPO_ROOT } from "./_manifests.ts";

const CI_RUN = new URL(".ci/run", REPO_ROOT);

/** The Debian packages .ci/run installs when their program is missing (`need+=(pkg)`). */
function ciPackages(): string[] {
  const script = Deno.readTextFileSync(CI_RUN);
  return [...script.matchAll(/need\+=\(([\w.-]+)\)/g)].map((m) => m[1]!).sort();
}

Deno.test("the README's apt-get line names exactly the packages .ci/run installs", () => {
  const readme = Deno.readTextFileSync(new URL("README.md", REPO_ROOT));
  const line = /^apt-get install (.+)$/m.exec(readme)?.[1];
  assert.ok(line !== undefined, "README has an apt-get install line");
  assert.deepEqual(line.trim().split(/\s+/).sort(), ciPackages());
  // curl with HTTP/2 runs the Host guard test over h2c; openssl makes the TLS test certificates
  for (const pkg of ["curl", "openssl"]) assert.ok(ciPackages().includes(pkg), pkg);
});

Deno.test(".ci/run fails with what to install when it is not root and has no sudo", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ci-run-" });
  try {
    // a copy that stops before the tests, on a PATH without sudo or any package's program
    await Deno.mkdir(`${dir}/.ci`);
    await Deno.mkdir(`${dir}/bin`);
    const script = Deno.readTextFileSync(CI_RUN).replace(/^npx .*$/m, "echo tests would run");
    await Deno.writeTextFile(`${dir}/.ci/run`, script);
    await Deno.writeTextFile(`${dir}/bin/id`, "#!/bin/sh\necho 1000\n", { mode: 0o755 });
    for (const tool of ["dirname", "grep", "env"]) {
      await Deno.symlink(installed(tool), `${dir}/bin/${tool}`);
    }
    const out = await new Deno.Command(installed("bash"), {
      args: [`${dir}/.ci/run`],
      env: { PATH: `${dir}/bin`, CI: "true" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.doesNotMatch(new TextDecoder().decode(out.stdout), /tests would run/);
    assert.match(stderr, /not root and no passwordless sudo/);
    assert.match(stderr, /apt-get install .*\bcurl\b/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The path of a system program, in /usr/bin or /bin. */
function installed(tool: string): string {
  for (const dir of ["/usr/bin", "/bin"]) {
    try {
      if (Deno.statSync(`${dir}/${tool}`).isFile) return `${dir}/${tool}`;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${tool} is not in /usr/bin or /bin`);
}
