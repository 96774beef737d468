/**
 * Loads the Kubernetes manifests in k8s/ for the deployment tests, with just enough typing
 * to read the fields the tests check.
 * @module
 */
import { parseAllDocuments } from "yaml";

/** The repository root. */
export const REPO_ROOT: URL = new URL("../../", import.meta.url);
/** The manifests folder. */
export const K8S_DIR: URL = new URL("k8s/", REPO_ROOT);
/** The Secret's shape with placeholder values; never applied, so never in kustomization. */
export const EXAMPLE_SECRET_FILE = "secret.example.yaml";

/** The paths the program serves for probes and scraping (src/observability). */
export const PROGRAM_PROBE_PATHS: ReadonlySet<string> = new Set([
  "/healthz",
  "/readyz",
  "/metrics",
]);

/** An environment variable of a container. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

/** A liveness, readiness or startup probe. */
export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  grpc?: { port: number };
  exec?: { command: string[] };
}

/** Pod- or container-level security settings. */
export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string; localhostProfile?: string };
  appArmorProfile?: { type: string; localhostProfile?: string };
  procMount?: string;
}

/** A container of a pod template. */
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

/** A pod spec (of a Deployment or StatefulSet template). */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostUsers?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: {
    name: string;
    hostPath?: unknown;
    secret?: { secretName: string; defaultMode?: number; items?: unknown[] };
  }[];
}

/** Any Kubernetes object; `spec` and the rest are read through the typed helpers below. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // deno-lint-ignore no-explicit-any
  spec?: any;
  automountServiceAccountToken?: boolean;
  stringData?: Record<string, string>;
  data?: Record<string, string>;
  rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[];
  roleRef?: { kind: string; name: string };
  resources?: string[];
  namespace?: string;
}

/** One YAML document of one file. */
export interface Manifest {
  file: string;
  object: K8sObject;
}

/** Names of every `.yaml`/`.yml` file directly in k8s/, sorted. */
export function manifestFiles(): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(K8S_DIR)) {
    if (entry.isFile && /\.ya?ml$/.test(entry.name)) files.push(entry.name);
  }
  return files.sort();
}

/** Parses every document of `file`; throws on any YAML error or warning. */
export function parseManifestFile(file: string): K8sObject[] {
  const text = Deno.readTextFileSync(new URL(file, K8S_DIR));
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length > 0 || doc.warnings.length > 0) {
      const problems = [...doc.errors, ...doc.warnings].map((e) => e.message).join("; ");
      throw new Error(`${file} document ${i + 1} does not parse: ${problems}`);
    }
    const value = doc.toJS() as K8sObject | null;
    return value === null ? [] : [value];
  });
}

/** Every object of every file in k8s/ except kustomization.yaml. */
export function loadManifests(): Manifest[] {
  return manifestFiles()
    .filter((file) => file !== "kustomization.yaml")
    .flatMap((file) => parseManifestFile(file).map((object) => ({ file, object })));
}

/** The objects kustomization.yaml applies (the example Secret is not one). */
export function appliedObjects(): K8sObject[] {
  return loadManifests().filter((m) => m.file !== EXAMPLE_SECRET_FILE).map((m) => m.object);
}

/** The single object of `kind` named `name`; throws when missing. */
export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} named "${name}" in k8s/`);
  return found;
}

/** The pod spec of a Deployment or StatefulSet. */
export function podSpecOf(workload: K8sObject): PodSpec {
  const spec = workload.spec?.template?.spec as PodSpec | undefined;
  if (spec === undefined) {
    throw new Error(`${workload.kind} "${workload.metadata.name}" has no pod template`);
  }
  return spec;
}

/** Every Deployment and StatefulSet. */
export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
}

/** The containers of a pod, init containers included. */
export function allContainers(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** The `app.kubernetes.io/component` label of a workload's pods. */
export function componentOf(workload: K8sObject): string | undefined {
  return workload.spec?.template?.metadata?.labels?.["app.kubernetes.io/component"];
}

/** The coordinator Deployment and the worker StatefulSet, the two codegen-mcp workloads. */
export function programWorkloads(
  objects: K8sObject[],
): { coordinator: K8sObject; worker: K8sObject } {
  const coordinator = workloads(objects).find((w) => componentOf(w) === "coordinator");
  const worker = workloads(objects).find((w) => componentOf(w) === "worker");
  if (coordinator === undefined || worker === undefined) {
    throw new Error("k8s/ needs a coordinator and a worker workload");
  }
  return { coordinator, worker };
}

/** The one container of a codegen-mcp pod. */
export function mainContainer(workload: K8sObject): Container {
  const containers = podSpecOf(workload).containers;
  if (containers.length !== 1) {
    throw new Error(`${workload.metadata.name} should have exactly one container`);
  }
  return containers[0]!;
}

/** The value of env var `name` in `container`, undefined when absent or not literal. */
export function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/** A probe's or Service's port, resolved to a container port number. */
export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
