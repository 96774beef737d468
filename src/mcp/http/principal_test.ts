import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { sha256Hex } from "../../core/mod.ts";
import { PRINCIPAL_KDF, principalOf } from "./principal.ts";

Deno.test("principalOf names a bearer caller by a stretched digest, never the token", async () => {
  const principal = await principalOf("my-secret-token", "10.0.0.1");
  // the same key stretching, computed by another implementation
  const expected = pbkdf2Sync("my-secret-token", PRINCIPAL_KDF.salt, 600_000, 32, "sha256");
  assert.equal(principal, `bearer:${expected.toString("hex").slice(0, 12)}`);
  assert.notEqual(principal, `bearer:${(await sha256Hex("my-secret-token")).slice(0, 12)}`);
  assert.ok(!principal.includes("my-secret-token"));
  assert.notEqual(await principalOf("other-token", "10.0.0.1"), principal);
});

Deno.test("principalOf names an anonymous caller by IP address only", async () => {
  assert.equal(await principalOf(undefined, "127.0.0.1"), "anonymous@127.0.0.1");
  assert.equal(await principalOf(undefined, "::1"), "anonymous@::1");
});
