// Test helpers: a strict reader of the Prometheus text format.

// prom-client writes NaN as "Nan"; Prometheus reads the special values in any case
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.eE+-]+|[Nn]a[Nn]|\+Inf|-Inf)$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"$/;
const COMMENT = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$/;

/** Samples keyed `name{labels}` exactly as written; throws on any malformed line. */
export function parsePrometheusText(body: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      if (!COMMENT.test(line)) throw new Error(`Malformed comment line: ${line}`);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Malformed sample line: ${line}`);
    const labels = match[2] ? match[2].slice(1, -1) : "";
    if (labels && !labels.split(",").every((l) => LABEL.test(l))) {
      throw new Error(`Malformed labels: ${line}`);
    }
    const value = match[3]!.toLowerCase() === "nan" ? Number.NaN : Number(match[3]);
    samples.set(`${match[1]}${match[2] ?? ""}`, value);
  }
  return samples;
}

/** Names declared by `# TYPE` lines, with their types. */
export function metricTypes(body: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of body.split("\n")) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (m) types.set(m[1]!, m[2]!);
  }
  return types;
}
