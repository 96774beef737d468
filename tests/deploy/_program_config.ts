/**
 * Loads the configuration a codegen-mcp container in k8s/ would start with, through the
 * program's own loader: the image's ENV, then the container's env as the kubelet expands
 * it (secrets replaced by fakes), and the image ENTRYPOINT plus the container's args.
 * @module
 */
import assert from "node:assert/strict";
import {
  type Config,
  type Env,
  loadConfig,
  loadWorkerConfig,
  parseCommand,
  type WorkerConfig,
} from "../../src/config/mod.ts";
import { envNames, execForm, instructionsOf, readStages } from "./_dockerfile.ts";
import {
  appliedObjects,
  type Container,
  type K8sObject,
  mainContainer,
  programWorkloads,
} from "./_manifests.ts";

/** The namespace kustomization.yaml puts everything in. */
export const NAMESPACE = "codegen-mcp";

/** ENV values of a Dockerfile's final stage (`ENV A=1 B=2`). */
export function imageEnv(file: string): Record<string, string> {
  const final = readStages(file).at(-1)!;
  const env: Record<string, string> = {};
  for (const i of instructionsOf(final, "ENV")) {
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/"/g, "");
  }
  assert.deepEqual(Object.keys(env).sort(), envNames(final).sort());
  return env;
}

/** The environment the kubelet would give `container` in `pod`, secrets replaced by fakes. */
export function kubeletEnv(container: Container, podName: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) env[e.name] = `fake${e.valueFrom.secretKeyRef.key.length}abc`;
    else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") env[e.name] = podName;
    else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.namespace") env[e.name] = NAMESPACE;
    else {
      // $(NAME) expands only to variables defined earlier in the list
      env[e.name] = (e.value ?? "").replace(/\$\((\w+)\)/g, (ref, name) => env[name] ?? ref);
    }
  }
  return env;
}

function argvOf(workload: K8sObject, file: string): string[] {
  const final = readStages(file).at(-1)!;
  const entrypoint = execForm(instructionsOf(final, "ENTRYPOINT")[0]!.args)!;
  return [...entrypoint.slice(1), ...(mainContainer(workload).args ?? [])];
}

// The subcommand's arguments and the environment `workload`'s pod `pod` starts with, from
// its image (`file`) and its manifest.
function startOf(workload: K8sObject, file: string, command: "serve" | "worker", pod: string) {
  const parsed = parseCommand(argvOf(workload, file));
  assert.equal(parsed.command, command);
  const env = { ...imageEnv(file), ...kubeletEnv(mainContainer(workload), pod) } as Env;
  return { args: "args" in parsed ? parsed.args : [], env };
}

/** The coordinator's configuration as its Deployment starts it. */
export function manifestCoordinatorConfig(pod = "c-0"): Config {
  const { coordinator } = programWorkloads(appliedObjects());
  const { args, env } = startOf(coordinator, "Dockerfile", "serve", pod);
  const loaded = loadConfig(args, env);
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.message);
  return loaded.config;
}

/** A worker's configuration as its StatefulSet starts pod `pod`. */
export function manifestWorkerConfig(pod: string): WorkerConfig {
  const { worker } = programWorkloads(appliedObjects());
  const { args, env } = startOf(worker, "Dockerfile.worker", "worker", pod);
  const loaded = loadWorkerConfig(args, env);
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.message);
  return loaded.config;
}
