import { Gauge, type Registry } from "prom-client";
import { getLogger } from "../core/mod.ts";
import type { GaugeProvider } from "./_metric_types.ts";

const log = getLogger("observability");

/**
 * A gauge whose value is read from `provider` at each scrape (NaN when that fails); nothing
 * when it is absent.
 */
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
        // NaN, not the last value (a stale count reads as true) nor a failed scrape (which
        // would hide every other metric)
        this.set(Number.NaN);
        log.warn("Metric {name} could not be read: {error}", { name, error: String(err) });
      }
    },
  });
}
