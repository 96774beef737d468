import { Gauge, type Registry } from "prom-client";
import { getLogger } from "../core/mod.ts";
import type { GaugeProvider } from "./_metric_types.ts";

const log = getLogger("observability");

/** A gauge whose value is read from `provider` at each scrape; nothing when it is absent. */
export function providedGauge(
  registry: Registry,
  spec: { name: string; help: string; provider: GaugeProvider | undefined },
): void {
  const { provider, name } = spec;
  if (!provider) return;
  new Gauge({
    name,
    help: spec.help,
    registers: [registry],
    async collect() {
      try {
        this.set(await provider());
      } catch (err) {
        // a failing provider keeps the last value rather than failing the whole scrape
        log.warn("Metric {name} could not be read: {error}", { name, error: String(err) });
      }
    },
  });
}
