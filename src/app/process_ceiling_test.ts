import assert from "node:assert/strict";
import { type Limits, LimitsSchema } from "../config/mod.ts";
import { checkProcessCeiling } from "./process_ceiling.ts";

// (32 + 6) × (N + 1) + 32 processes a session under a root worker: N = 2,534 is the most
// a hard limit of 96,365 allows
const ROOT_HOST = { maxProcesses: 96_365, root: true };
const USER_HOST = { maxProcesses: 1_000, root: false };

function limits(maxProcesses: number): Limits {
  return { ...LimitsSchema.parse({}), maxProcesses };
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    assert.equal((err as { code?: string }).code, "CONFIG_INVALID");
    return (err as Error).message;
  }
  assert.fail("accepted");
}

Deno.test("SANDBOX_MAX_PROCESSES is refused when a root worker's session would need more processes than the host's hard limit", () => {
  checkProcessCeiling(limits(2_534), { insecure: false, host: ROOT_HOST });
  const message = refusal(() =>
    checkProcessCeiling(limits(2_535), { insecure: false, host: ROOT_HOST })
  );
  assert.match(message, /^invalid SANDBOX_MAX_PROCESSES "2535": expected at most 2534: /);
  assert.match(message, /96400 processes, more than this host's hard process limit .* 96365$/);
  assert.match(
    refusal(() => checkProcessCeiling(limits(100_000), { insecure: false, host: ROOT_HOST })),
    /"100000": expected at most 2534: /,
  );
});

Deno.test("SANDBOX_MAX_PROCESSES is checked per sandbox without root or sandbox, and not at all without a limit", () => {
  checkProcessCeiling(limits(999), { insecure: false, host: USER_HOST });
  assert.match(
    refusal(() => checkProcessCeiling(limits(1_000), { insecure: false, host: USER_HOST })),
    /at most 999: /,
  );
  checkProcessCeiling(limits(50_000), { insecure: true, host: ROOT_HOST });
  checkProcessCeiling(limits(100_000), {
    insecure: false,
    host: { maxProcesses: undefined, root: true },
  });
  // the default 64 needs 2,502 processes a session under root: refused where there are fewer
  assert.match(
    refusal(() =>
      checkProcessCeiling(limits(64), {
        insecure: false,
        host: { maxProcesses: 2_000, root: true },
      })
    ),
    /^invalid SANDBOX_MAX_PROCESSES "64": expected at most 50: /,
  );
});
