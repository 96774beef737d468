import { Counter, type Registry } from "prom-client";
import { KILL_REASONS, type KillReason } from "./_metric_types.ts";

/** Registers `codegen_sandbox_kills_total{reason}`, every reason starting at zero. */
export function killCounter(registry: Registry): (reason: KillReason) => void {
  const kills = new Counter({
    name: "codegen_sandbox_kills_total",
    help: "Sandboxed processes killed, by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  // present from the first scrape so rate() works before the first kill
  for (const reason of KILL_REASONS) kills.inc({ reason }, 0);
  return (reason) => kills.inc({ reason });
}
