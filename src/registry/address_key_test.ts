import assert from "node:assert/strict";
import { addressKey } from "./address_key.ts";

Deno.test("addressKey() spells one listener one way", () => {
  for (
    const same of [
      "127.0.0.1:18812",
      "localhost:18812",
      "LOCALHOST:18812",
      "127.0.0.1:018812",
      "[::ffff:127.0.0.1]:18812",
      "127.1:18812",
    ]
  ) {
    assert.equal(addressKey(same), "127.0.0.1:18812", same);
  }
  assert.equal(addressKey("[0:0:0:0:0:0:0:1]:7"), "[::1]:7");
  assert.equal(addressKey("Worker-1.Pool.svc:50051"), "worker-1.pool.svc:50051");
  assert.notEqual(addressKey("10.0.0.1:50051"), addressKey("10.0.0.2:50051"));
  assert.notEqual(addressKey("10.0.0.1:50051"), addressKey("10.0.0.1:50052"));
});
