import assert from "node:assert/strict";
import { SECCOMP_REFUSED } from "./close_fds.ts";
import { type ProbeLaunch, probeSupport } from "./probe.ts";

type Plan = Parameters<ProbeLaunch>[0];

/** A launch that records its plans and answers with `answer(plan)`. */
function fakeLaunch(answer: (plan: Plan) => string) {
  const plans: Plan[] = [];
  const launch: ProbeLaunch = (plan) => {
    plans.push(plan);
    return Promise.resolve(answer(plan));
  };
  return { launch, plans };
}

Deno.test("probeSupport() keeps the seccomp filter where the kernel takes it", async () => {
  const { launch, plans } = fakeLaunch(() => "");
  const support = await probeSupport(launch, { arch: "x86_64", root: false });
  assert.deepEqual(support, { available: true, nestedUserns: false, seccomp: true });
  assert.deepEqual(plans, [{ nestedUserns: false, seccomp: true }]);
});

Deno.test("probeSupport() drops the filter, with a warning, where it cannot be installed", async () => {
  const { launch, plans } = fakeLaunch((plan) =>
    plan.seccomp ? `${SECCOMP_REFUSED}: [Errno 22] Invalid argument` : ""
  );
  const support = await probeSupport(launch, { arch: "aarch64", root: true });
  assert.deepEqual(support, { available: true, nestedUserns: true, seccomp: false });
  assert.deepEqual(plans, [
    { nestedUserns: true, seccomp: true },
    { nestedUserns: true, seccomp: false },
  ]);
});

Deno.test("probeSupport() tries no filter on an architecture without a table", async () => {
  const { launch, plans } = fakeLaunch(() => "");
  const support = await probeSupport(launch, { arch: "riscv64", root: false });
  assert.equal(support.seccomp, false);
  assert.deepEqual(plans, [{ nestedUserns: false, seccomp: false }]);
});

Deno.test("probeSupport() does not blame the filter for another failure", async () => {
  const { launch, plans } = fakeLaunch((plan) =>
    plan.nestedUserns ? "bwrap: setting up uid map: Permission denied" : ""
  );
  const support = await probeSupport(launch, { arch: "x86_64", root: true });
  assert.deepEqual(support, { available: true, nestedUserns: false, seccomp: true });
  assert.deepEqual(plans, [
    { nestedUserns: true, seccomp: true },
    { nestedUserns: false, seccomp: true },
  ]);
  const missing = fakeLaunch(() => "missing");
  const none = await probeSupport(missing.launch, { arch: "x86_64", root: false });
  assert.deepEqual(none, { available: false, nestedUserns: false, seccomp: true });
});
