import type { Registry } from "prom-client";
import type { MetricsText } from "./_metric_types.ts";

/** The registry's metrics as Prometheus text. */
export async function renderRegistry(registry: Registry): Promise<MetricsText> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
