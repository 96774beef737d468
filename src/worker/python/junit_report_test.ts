import assert from "node:assert/strict";
import { MAX_REPORT_BYTES, readJunitReport } from "./junit_report.ts";
import { MAX_ELEMENTS, parseXml } from "./_xml.ts";

async function withReport(
  contents: string,
  fn: (path: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "junit-report-" });
  try {
    await Deno.writeTextFile(`${dir}/junit.xml`, contents);
    await fn(`${dir}/junit.xml`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const suite = (cases: string) => `<testsuites><testsuite>${cases}</testsuite></testsuites>`;

Deno.test("parseXml() stops past MAX_ELEMENTS and says the input is too large", () => {
  const parsed = parseXml(suite("<testcase/>".repeat(MAX_ELEMENTS)));
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok && parsed.tooLarge);
  assert.ok(parseXml(suite("<testcase/>".repeat(MAX_ELEMENTS - 2))).ok);
});

Deno.test("readJunitReport() reads a report within its bounds", async () => {
  await withReport(
    suite('<testcase name="a"/><testcase name="b"><skipped/></testcase>'),
    async (path) => {
      const report = await readJunitReport(path);
      assert.ok(report.ok);
      assert.equal(report.summary.passed, 1);
      assert.equal(report.summary.skipped, 1);
    },
  );
});

Deno.test("readJunitReport() ignores a report over MAX_REPORT_BYTES without parsing it", async () => {
  const big = suite(`<testcase name="${"x".repeat(MAX_REPORT_BYTES)}"/>`);
  await withReport(big, async (path) => {
    assert.deepEqual(await readJunitReport(path), {
      ok: false,
      ignored: "it is larger than 8 MiB",
    });
  });
});

Deno.test("readJunitReport() ignores a report with more than MAX_ELEMENTS elements", async () => {
  await withReport(suite("<testcase/>".repeat(MAX_ELEMENTS + 1)), async (path) => {
    assert.deepEqual(await readJunitReport(path), {
      ok: false,
      ignored: "it holds more than 100000 elements",
    });
  });
});

Deno.test("readJunitReport() has no report for a symlink, a directory or a missing file", async () => {
  await withReport(suite("<testcase/>"), async (path, dir) => {
    await Deno.symlink(path, `${dir}/link.xml`);
    await Deno.mkdir(`${dir}/sub.xml`);
    for (const name of ["link.xml", "sub.xml", "missing.xml"]) {
      assert.deepEqual(await readJunitReport(`${dir}/${name}`), { ok: false }, name);
    }
  });
});
