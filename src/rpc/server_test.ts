import assert from "node:assert/strict";
import { startGrpcServer } from "./server.ts";

const SETTINGS = { host: "--host (HTTP_HOST)", port: "--grpc-port (GRPC_PORT)" };

Deno.test("startGrpcServer() binds a host written with IPv6 brackets", async () => {
  const server = await startGrpcServer({ host: "[::1]", port: 0, services: [] });
  try {
    assert.ok(server.port > 0);
  } finally {
    await server.close();
  }
});

Deno.test("a port that is taken is named with its setting, the address written once", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = taken.addr.port;
  await assert.rejects(
    startGrpcServer({ host: "127.0.0.1", port, services: [], settings: SETTINGS }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, "CONFIG_INVALID");
      assert.match(
        err.message,
        new RegExp(
          `^Cannot listen on "127\\.0\\.0\\.1:${port}" \\(check --grpc-port \\(GRPC_PORT\\)\\): `,
        ),
      );
      return true;
    },
  );
});

Deno.test("a host that cannot be bound is named with its setting", async () => {
  await assert.rejects(
    startGrpcServer({ host: "[no-such-host.invalid]", port: 0, services: [], settings: SETTINGS }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, "CONFIG_INVALID");
      assert.match(
        err.message,
        /^Cannot listen on "no-such-host\.invalid:0" \(check --host \(HTTP_HOST\)\): /,
      );
      return true;
    },
  );
});
