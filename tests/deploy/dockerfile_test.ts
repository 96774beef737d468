import assert from "node:assert/strict";
import {
  envNames,
  execForm,
  exposedPorts,
  instructionsOf,
  parseImageRef,
  parseStages,
  readStages,
  SHA256_DIGEST,
  splitOptions,
  type Stage,
  taggedName,
} from "./_dockerfile.ts";
import { REPO_ROOT } from "./_manifests.ts";

const IMAGES = {
  "Dockerfile": {
    binary: "/codegen-mcp",
    entrypoint: ["/codegen-mcp"],
    cmd: ["serve", "--transport", "http", "--host", "0.0.0.0"],
    exposed: [8080, 50050],
    healthPort: 8080,
  },
  "Dockerfile.worker": {
    binary: "/usr/local/bin/codegen-mcp",
    entrypoint: ["/usr/local/bin/codegen-mcp", "worker"],
    cmd: undefined,
    exposed: [50051, 9090],
    healthPort: 9090,
  },
} as const;
const FILES = Object.keys(IMAGES) as (keyof typeof IMAGES)[];
// The base images by tag; a digest after the tag (docs/deployment.md) is allowed too.
const BUILDER = "denoland/deno:2.9.3";
const RUNTIME = /^gcr\.io\/distroless\/cc-debian\d+:nonroot$/;

function finalStage(stages: Stage[]): Stage {
  return stages.at(-1)!;
}

function denoJson(): {
  tasks: Record<string, string | { command: string }>;
  permissions: Record<string, { env?: string[] | boolean }>;
} {
  return JSON.parse(Deno.readTextFileSync(new URL("deno.json", REPO_ROOT)));
}

Deno.test("both images are multi-stage: the build stage runs deno install --frozen, then deno task compile", () => {
  for (const file of FILES) {
    const stages = readStages(file);
    assert.ok(stages.length >= 2, `${file} is multi-stage`);
    const build = stages[0]!;
    assert.ok(build.alias, `${file}: the build stage is named`);
    const runs = instructionsOf(build, "RUN").map((i) => i.args);
    const install = runs.findIndex((r) => /\bdeno install\b.*--frozen\b/.test(r));
    const compile = runs.findIndex((r) => /\bdeno task compile\b/.test(r));
    assert.ok(install !== -1, `${file} installs dependencies against the lockfile`);
    assert.ok(compile > install, `${file} compiles with the deno.json task after installing`);
    assert.ok(!runs.some((r) => /\bdeno compile\b/.test(r)), "no ad-hoc compile flags");
    const copied = instructionsOf(build, "COPY").map((i) => i.args);
    assert.ok(copied.some((c) => /\bdeno\.lock\b/.test(c)), `${file} copies the lockfile`);
  }
});

Deno.test("the compile task embeds a named permission set from deno.json, never -A", () => {
  const config = denoJson();
  const task = config.tasks.compile;
  const command = typeof task === "string" ? task : task?.command ?? "";
  assert.match(command, /^deno compile /);
  assert.match(command, /--output codegen-mcp\b/);
  const set = /-P=(\w+)/.exec(command)?.[1];
  assert.ok(set !== undefined && config.permissions[set] !== undefined, "a declared set");
  assert.doesNotMatch(command, /\s(-A|--allow-all)\b/);
});

Deno.test("the coordinator image's final stage is distroless with glibc, holding only the binary", () => {
  const stages = readStages("Dockerfile");
  const final = finalStage(stages);
  assert.match(taggedName(final.image), RUNTIME);
  assert.deepEqual(instructionsOf(final, "RUN"), [], "no shell at run time");
  for (const copy of instructionsOf(final, "COPY")) {
    const { options, rest } = splitOptions(copy.args);
    assert.equal(options.get("from"), stages[0]!.alias, `only build outputs: ${copy.args}`);
    assert.doesNotMatch(rest, /node_modules|\/src\b|\.ts\b/);
  }
});

Deno.test("final stages run as uid 1000, expose the program's ports and keep exec-form entry points", () => {
  for (const file of FILES) {
    const expected = IMAGES[file];
    const final = finalStage(readStages(file));
    const users = instructionsOf(final, "USER");
    assert.match(users.at(-1)?.args ?? "", /^1000(:1000)?$/, `${file} runs as uid 1000`);
    assert.deepEqual(exposedPorts(final).sort(), [...expected.exposed].sort(), file);
    const entrypoint = instructionsOf(final, "ENTRYPOINT").at(-1);
    assert.deepEqual(execForm(entrypoint?.args ?? ""), expected.entrypoint, `${file} ENTRYPOINT`);
    const cmd = instructionsOf(final, "CMD").at(-1);
    assert.deepEqual(cmd && execForm(cmd.args), expected.cmd, `${file} CMD`);
    // an image-defined volume would be writable beside the volumes a deployment declares
    assert.deepEqual(instructionsOf(final, "VOLUME"), [], `${file} declares no VOLUME`);
    const copies = instructionsOf(final, "COPY").map((c) => splitOptions(c.args).rest);
    assert.ok(copies.some((c) => c.endsWith(` ${expected.binary}`)), `${file} installs the binary`);
  }
});

Deno.test("HEALTHCHECK runs the image's own binary in exec form against /healthz on an exposed port", () => {
  for (const file of FILES) {
    const expected = IMAGES[file];
    const final = finalStage(readStages(file));
    const checks = instructionsOf(final, "HEALTHCHECK");
    assert.equal(checks.length, 1, `${file} has one HEALTHCHECK`);
    const { rest } = splitOptions(checks[0]!.args);
    assert.match(rest, /^CMD \[/, `${file} HEALTHCHECK is exec form (no shell needed)`);
    const argv = execForm(rest.slice("CMD ".length));
    assert.ok(argv !== undefined);
    assert.equal(argv[0], expected.binary);
    assert.equal(argv[1], "health");
    const url = new URL(argv[argv.indexOf("--url") + 1]!);
    assert.equal(url.pathname, "/healthz");
    assert.equal(url.hostname, "127.0.0.1");
    assert.equal(Number(url.port), expected.healthPort);
    assert.ok(exposedPorts(final).includes(expected.healthPort));
  }
});

Deno.test("no ADD fetches a remote URL, and every base image is pinned to a tag or digest, never latest", () => {
  for (const file of FILES) {
    const stages = readStages(file);
    const aliases = new Set(stages.map((s) => s.alias).filter(Boolean));
    for (const stage of stages) {
      for (const add of instructionsOf(stage, "ADD")) {
        assert.doesNotMatch(add.args, /(https?|ftp):\/\/|git@|\.git\b/, `${file}: ${add.args}`);
      }
      if (aliases.has(stage.image)) continue;
      assert.doesNotMatch(stage.image, /\$/, `${file}: ${stage.image} is literal`);
      const { tag, digest } = parseImageRef(stage.image);
      assert.ok(digest === undefined || SHA256_DIGEST.test(digest), `${file}: ${stage.image}`);
      assert.ok(digest !== undefined || tag !== undefined, `${file}: ${stage.image} is pinned`);
      assert.notEqual(tag, "latest", `${file}: ${stage.image} is not latest`);
    }
    // the compiled binary embeds the builder's Deno runtime: keep it at the project's pin
    assert.equal(taggedName(stages[0]!.image), BUILDER, `${file} builds with Deno 2.9.3`);
  }
});

Deno.test("base images pinned by digest after their tag, as docs/deployment.md advises, pass the image checks", () => {
  const hex = "0123456789abcdef".repeat(4);
  const stages = parseStages(
    `FROM ${BUILDER}@sha256:${hex} AS build\nRUN deno task compile\n` +
      `FROM gcr.io/distroless/cc-debian12:nonroot@sha256:${hex}\n`,
  );
  assert.equal(stages[0]!.alias, "build");
  assert.deepEqual(parseImageRef(stages[0]!.image), {
    name: "denoland/deno",
    tag: "2.9.3",
    digest: `sha256:${hex}`,
  });
  assert.equal(taggedName(stages[0]!.image), BUILDER);
  assert.match(taggedName(stages[1]!.image), RUNTIME);
  // the tag is still checked, and a digest must be a whole sha256
  assert.notEqual(taggedName(`denoland/deno:2.9.4@sha256:${hex}`), BUILDER);
  assert.doesNotMatch(taggedName(`gcr.io/distroless/cc-debian12:latest@sha256:${hex}`), RUNTIME);
  assert.throws(() => taggedName(`${BUILDER}@sha256:${hex.slice(1)}`), /64 hex digits/);
  assert.throws(() => taggedName(`${BUILDER}@md5:${hex.slice(32)}`), /64 hex digits/);
  assert.deepEqual(parseImageRef("registry.example:5000/deno"), {
    name: "registry.example:5000/deno",
    tag: undefined,
    digest: undefined,
  });
});

Deno.test("the worker image has Python 3, venv, pytest, bubblewrap and the sandbox's helpers", () => {
  const final = finalStage(readStages("Dockerfile.worker"));
  const runs = instructionsOf(final, "RUN").map((r) => r.args).join(" ");
  const installed = /apt-get install\s+(.*?)(&&|$)/.exec(runs)?.[1]?.split(/\s+/) ?? [];
  for (const pkg of ["bubblewrap", "python3", "python3-venv", "python3-pytest", "util-linux"]) {
    assert.ok(installed.includes(pkg), `installs ${pkg}`);
  }
  assert.match(runs, /useradd[^&]*--uid 1000\b/, "creates the uid 1000 user");
  assert.match(runs, /rm -rf \/var\/lib\/apt\/lists/, "drops the apt lists");
});

Deno.test("the images set only environment variables the compiled binary may read", () => {
  const allowed = new Set(denoJson().permissions.coordinator?.env as string[]);
  for (const file of FILES) {
    for (const name of envNames(finalStage(readStages(file)))) {
      assert.ok(allowed.has(name), `${file}: ENV ${name} is in the coordinator permission set`);
    }
  }
});

/** Does a .dockerignore pattern (Go filepath.Match plus `**`) match `path`? */
function ignoreMatches(pattern: string, path: string): boolean {
  const clean = pattern.replace(/^\/+/, "").replace(/\/+$/, "");
  const source = clean.split("/").map((part) =>
    part === "**" ? ".*" : part.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")
  ).join("/").replace(/\.\*\//g, "(?:.*/)?");
  // a matched directory excludes everything below it
  return new RegExp(`^${source}(?:/.*)?$`).test(path);
}

function ignored(patterns: string[], path: string): boolean {
  let result = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (ignoreMatches(p.slice(1), path)) result = false;
    } else if (ignoreMatches(p, path)) result = true;
  }
  return result;
}

Deno.test(".dockerignore excludes .git, node_modules and the built binary, and keeps what the build copies", () => {
  const patterns = Deno.readTextFileSync(new URL(".dockerignore", REPO_ROOT)).split("\n")
    .map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  for (
    const path of [".git", ".git/config", "node_modules", "node_modules/.deno/x", "codegen-mcp"]
  ) {
    assert.ok(ignored(patterns, path), `${path} stays out of the build context`);
  }
  assert.ok(ignored(patterns, "src/worker/node_modules/x"), "nested node_modules too");
  for (const file of FILES) {
    for (const copy of instructionsOf(readStages(file)[0]!, "COPY")) {
      const { options, rest } = splitOptions(copy.args);
      if (options.has("from")) continue;
      const sources = rest.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        const path = source.replace(/^\.\//, "").replace(/\/$/, "");
        assert.ok(!ignored(patterns, path), `${file} copies ${path}, which must not be ignored`);
      }
    }
  }
  assert.ok(!ignored(patterns, "src/app/serve.ts"));
});
