import { type Limits, WorkerConfigSchema } from "../../../src/config/mod.ts";

/** The default worker limits, as a worker built from an empty environment gets them. */
export const DEFAULT_LIMITS_FOR_TESTS: Limits = WorkerConfigSchema.parse({
  coordinator: "127.0.0.1:1",
  listen: "127.0.0.1:0",
  workerId: "w1",
  workspaceRoot: "/unused",
  workerToken: "t",
  limits: {},
}).limits;
