import assert from "node:assert/strict";
import {
  appliedObjects,
  EXAMPLE_SECRET_FILE,
  type K8sObject,
  loadManifests,
  mainContainer,
  podSpecOf,
  programWorkloads,
  REPO_ROOT,
} from "./_manifests.ts";
import { flagValue } from "./_program_ports.ts";
import { manifestCoordinatorConfig, manifestWorkerConfig, NAMESPACE } from "./_program_config.ts";

const TLS_SECRET = "codegen-grpc-tls";
/** Each TLS flag and the Secret key its file must be. */
const FLAG_KEYS = { "tls-cert": "tls.crt", "tls-key": "tls.key", "tls-ca": "ca.crt" } as const;

/** The TLS file paths a workload passes, each checked to come from the Secret, read-only. */
function tlsFiles(workload: K8sObject): Record<keyof typeof FLAG_KEYS, string> {
  const container = mainContainer(workload);
  const name = workload.metadata.name;
  const files = {} as Record<keyof typeof FLAG_KEYS, string>;
  for (const [flag, key] of Object.entries(FLAG_KEYS) as [keyof typeof FLAG_KEYS, string][]) {
    const path = flagValue(container.args ?? [], flag);
    assert.ok(path !== undefined, `${name} passes --${flag}`);
    const dir = path.slice(0, path.lastIndexOf("/"));
    assert.equal(path.slice(dir.length + 1), key, `${name} --${flag} is the Secret's ${key}`);
    const mount = container.volumeMounts?.find((m) => m.mountPath === dir);
    assert.ok(mount !== undefined, `${name} mounts ${dir}`);
    assert.equal(mount.readOnly, true, `${name} mounts ${dir} read-only`);
    const volume = podSpecOf(workload).volumes?.find((v) => v.name === mount.name);
    assert.equal(volume?.secret?.secretName, TLS_SECRET, `${name} ${dir} is the TLS Secret`);
    assert.equal(volume.secret.items, undefined, "keys keep their names as file names");
    const mode = volume.secret.defaultMode ?? 0o644;
    assert.equal(mode & 0o007, 0, `${name}: the key is not world-readable`);
    assert.equal(mode & 0o040, 0o040, `${name}: readable by the pod's fsGroup`);
    files[flag] = path;
  }
  return files;
}

Deno.test("the coordinator and the workers pass --tls-cert, --tls-key and --tls-ca from the TLS Secret, mounted read-only", () => {
  const { coordinator, worker } = programWorkloads(appliedObjects());
  const serve = tlsFiles(coordinator);
  const work = tlsFiles(worker);
  // the program reads them: a CA on both sides means mutual TLS in both directions
  const c = manifestCoordinatorConfig();
  assert.deepEqual([c.tlsCert, c.tlsKey, c.tlsCa], [
    serve["tls-cert"],
    serve["tls-key"],
    serve["tls-ca"],
  ]);
  const w = manifestWorkerConfig(`${worker.metadata.name}-0`);
  assert.deepEqual([w.tlsCert, w.tlsKey, w.tlsCa], [
    work["tls-cert"],
    work["tls-key"],
    work["tls-ca"],
  ]);
});

Deno.test("the TLS files lie within the read grant the compiled binary embeds", () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", REPO_ROOT)));
  const task = config.tasks.compile;
  const set = /-P=(\w+)/.exec(typeof task === "string" ? task : task.command)![1]!;
  const read: boolean | string[] = config.permissions[set].read;
  const { coordinator, worker } = programWorkloads(appliedObjects());
  for (
    const path of [...Object.values(tlsFiles(coordinator)), ...Object.values(tlsFiles(worker))]
  ) {
    const granted = read === true ||
      (Array.isArray(read) && read.some((dir) => path === dir || path.startsWith(`${dir}/`)));
    assert.ok(granted, `the "${set}" permission set may read ${path}`);
  }
});

Deno.test("the example TLS Secret has exactly the keys the pods read, as placeholders", () => {
  const secret = loadManifests().find((m) =>
    m.file === EXAMPLE_SECRET_FILE && m.object.kind === "Secret" &&
    m.object.metadata.name === TLS_SECRET
  );
  assert.ok(secret !== undefined, `${EXAMPLE_SECRET_FILE} shows ${TLS_SECRET}`);
  const data = secret.object.stringData ?? {};
  assert.deepEqual(Object.keys(data).sort(), Object.values(FLAG_KEYS).sort());
  for (const value of Object.values(data)) assert.match(value, /^REPLACE-ME/);
});

/** Does a certificate DNS name (one leading `*` label at most) cover `host`? */
function covers(san: string, host: string): boolean {
  if (!san.startsWith("*.")) return san === host;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === san.slice(2);
}

Deno.test("the certificate names docs/deployment.md makes cover every address the programs dial", () => {
  const doc = Deno.readTextFileSync(new URL("docs/deployment.md", REPO_ROOT));
  const line = /subjectAltName=([^"'\s]+)/.exec(doc)?.[1];
  assert.ok(line !== undefined, "docs/deployment.md gives the certificate's subjectAltName");
  const sans = line.split(",").map((s) => s.replace(/^DNS:/, "").replaceAll("$NS", NAMESPACE));
  const { worker } = programWorkloads(appliedObjects());
  const hosts: string[] = [];
  for (const pod of [0, 9].map((i) => `${worker.metadata.name}-${i}`)) {
    const w = manifestWorkerConfig(pod);
    hosts.push(w.advertise!.replace(/:\d+$/, ""), w.coordinator.replace(/:\d+$/, ""));
  }
  for (const host of hosts) {
    assert.ok(sans.some((san) => covers(san, host)), `the certificate names ${host}`);
  }
  assert.ok(!covers("*.codegen-workers.x", "a.b.codegen-workers.x"), "a wildcard is one label");
});
