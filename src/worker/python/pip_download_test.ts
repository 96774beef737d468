import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import {
  EXIT_INDEX_REFUSED,
  EXIT_INDEX_UNRESOLVED,
  pipDownloadArgv,
  type PipDownloadOptions,
} from "./pip_download.ts";
import { parseRequirements } from "./requirements.ts";

const reqs = parseRequirements(["demo-pkg"]);

Deno.test("pipDownloadArgv() runs the system python3 in isolated mode and never the venv", () => {
  const argv = pipDownloadArgv(parseRequirements(["demo>=1", "other[x]"]), {
    indexUrl: "https://idx.example/simple/",
    noDeps: true,
  });
  assert.deepEqual(argv.slice(0, 3), ["python3", "-I", "-c"]);
  assert.ok(argv.every((a) => !a.includes("/venv")));
  assert.ok(argv.includes("--isolated") && argv.includes("--no-deps"));
  assert.equal(argv[argv.indexOf("download") + 1], "--disable-pip-version-check");
  assert.equal(argv[argv.indexOf("--dest") + 1], "/pip-downloads");
  // wheels only unless source builds were allowed
  assert.equal(argv[argv.indexOf("--only-binary") + 1], ":all:");
  assert.equal(argv[argv.indexOf("--index-url") + 1], "https://idx.example/simple/");
  assert.deepEqual(argv.slice(argv.indexOf("--")), ["--", "demo>=1", "other[x]"]);
  const sdists = pipDownloadArgv(reqs, { indexUrl: "https://i/", allowSourceBuilds: true });
  assert.ok(!sdists.includes("--only-binary") && !sdists.includes("download"));
  assert.equal(sdists[sdists.indexOf("wheel") + 1], "--disable-pip-version-check");
  assert.equal(sdists[sdists.indexOf("--wheel-dir") + 1], "/pip-downloads");
});

Deno.test("pipDownloadArgv() trusts a plain-http index only when the operator configured it", () => {
  const mirror = "http://mirror.internal:3141/simple/";
  const trusted = pipDownloadArgv(reqs, { indexUrl: mirror, operatorIndex: true });
  assert.deepEqual(trusted.slice(trusted.indexOf("--trusted-host"), -2), [
    "--trusted-host",
    "mirror.internal:3141",
  ]);
  assert.ok(!pipDownloadArgv(reqs, { indexUrl: mirror }).includes("--trusted-host"));
  const caller = pipDownloadArgv(reqs, { indexUrl: mirror, operatorIndex: true, fromCaller: true });
  assert.ok(!caller.includes("--trusted-host"));
  const https = pipDownloadArgv(reqs, { indexUrl: "https://x/simple/", operatorIndex: true });
  assert.ok(!https.includes("--trusted-host"));
});

/** Runs the download step's argv with the host's python3, pip's destination in `dest`. */
async function runDownload(options: PipDownloadOptions, edit: (argv: string[]) => void = () => {}) {
  const dest = await Deno.makeTempDir({ prefix: "pip-dl-" });
  try {
    const argv = pipDownloadArgv(reqs, options);
    argv[argv.indexOf("/pip-downloads")] = dest;
    // one attempt, so a refused connection fails at once
    argv.splice(argv.indexOf("--index-url"), 0, "--retries", "0", "--timeout", "5");
    edit(argv);
    const [cmd, ...args] = argv;
    const out = await new Deno.Command(cmd as string, { args }).output();
    const files = [...Deno.readDirSync(dest)].map((e) => e.name);
    const [stdout, stderr] = [out.stdout, out.stderr].map((b) => new TextDecoder().decode(b));
    return { code: out.code, stderr: stderr as string, output: `${stdout}${stderr}`, files };
  } finally {
    await Deno.remove(dest, { recursive: true });
  }
}

/** Names /etc/hosts maps to a 127.x address (e.g. the machine's own name), if any. */
async function loopbackNamesInHosts(): Promise<string[]> {
  const text = await Deno.readTextFile("/etc/hosts").catch(() => "");
  return text.split("\n").flatMap((line) => {
    const [addr, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    return addr?.startsWith("127.") ? names.filter((n) => n !== "") : [];
  });
}

Deno.test("the download step refuses a caller's index host that resolves to loopback", async () => {
  // names the URL check cannot see through: they resolve to loopback as pip resolves them
  const names = ["localhost", "127.1", ...await loopbackNamesInHosts()];
  for (const host of new Set(names)) {
    const run = await runDownload({ indexUrl: `http://${host}:9/simple/`, fromCaller: true });
    assert.equal(run.code, EXIT_INDEX_REFUSED, `${host}: ${run.stderr}`);
    assert.match(run.stderr, /resolves to 127\./);
  }
  // with a trailing dot the name is absolute: refused, or unresolvable where only
  // /etc/hosts answers (glibc does not match it there); pip never starts either way
  const dotted = await runDownload({ indexUrl: "http://localhost.:9/simple/", fromCaller: true });
  assert.ok([EXIT_INDEX_REFUSED, EXIT_INDEX_UNRESOLVED].includes(dotted.code), dotted.stderr);
  const unknown = await runDownload({
    indexUrl: "http://no-such-host.invalid/simple/",
    fromCaller: true,
  });
  assert.equal(unknown.code, EXIT_INDEX_UNRESOLVED, unknown.stderr);
  assert.match(unknown.stderr, /Cannot resolve 'no-such-host.invalid'/);
});

Deno.test("the download step keeps a caller's pip off loopback even after the host check", async () => {
  await using index = await startPypiIndex([{ name: "demo-pkg", version: "1.0.0" }]);
  // a public host passes the check; pip is then sent to loopback, as a redirect or a file
  // link on the index could send it
  const toLoopback = (argv: string[]) => {
    argv[argv.indexOf("--index-url") + 1] = index.url;
  };
  const caller = await runDownload(
    { indexUrl: "http://192.0.2.1/simple/", fromCaller: true },
    toLoopback,
  );
  assert.notEqual(caller.code, 0);
  assert.equal(index.requests.length, 0);
  assert.deepEqual(caller.files, []);
  // the operator's index may be on loopback: the same download then succeeds
  const operator = await runDownload(
    { indexUrl: "http://192.0.2.1/simple/", operatorIndex: true },
    toLoopback,
  );
  assert.equal(operator.code, 0, operator.stderr);
  assert.deepEqual(operator.files, ["demo_pkg-1.0.0-py3-none-any.whl"]);
  assert.ok(index.requests.includes("/simple/demo-pkg/"));
});

Deno.test("the download step's output never shows the index URL's query values", async () => {
  await using index = await startPypiIndex([{ name: "demo-pkg", version: "1.0.0" }]);
  // an operator's index may carry its credential in the query; pip prints the URL as given
  for (const query of ["token=s3cret-value&x=s3cret%2Fother", "s3cret-alone"]) {
    const run = await runDownload({ indexUrl: `${index.url}?${query}`, operatorIndex: true });
    assert.match(run.output, /Looking in indexes: /);
    assert.doesNotMatch(run.output, /s3cret/, run.output);
  }
});
