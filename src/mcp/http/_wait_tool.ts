/**
 * Test helper: a `wait` tool whose calls run until cancelled or released, with a signal per
 * call name for when it began and when it was cancelled. Not part of the folder's surface.
 * @module
 */
import { z } from "zod";
import { McpServer } from "../sdk.ts";

/** The calls of one test's `wait` tool, across every server it was registered on. */
export class WaitCalls {
  /** Names of the calls cancelled, in order. */
  readonly abortedNames: string[] = [];
  #begun = new Map<string, PromiseWithResolvers<void>>();
  #aborted = new Map<string, PromiseWithResolvers<void>>();
  // each call waits for the release made after it began
  #release = Promise.withResolvers<void>();

  /** Resolves once the call named `name` has begun. */
  begun(name: string): Promise<void> {
    return once(this.#begun, name).promise;
  }

  /** Settled when the call named `name` is cancelled (another tool may settle it too). */
  aborted(name: string): PromiseWithResolvers<void> {
    return once(this.#aborted, name);
  }

  /** Ends every call begun so far with its name as its text. */
  release(): void {
    this.#release.resolve();
    this.#release = Promise.withResolvers<void>();
  }

  /** A new server with only the `wait` tool (a `createServer` for the HTTP front). */
  createServer(): McpServer {
    const server = new McpServer({ name: "wait-test", version: "0.0.0" });
    this.register(server);
    return server;
  }

  /** Registers the `wait` tool on `server`. */
  register(server: McpServer): void {
    server.registerTool("wait", {
      description: "Waits",
      inputSchema: { name: z.string() },
    }, ({ name }, extra) =>
      new Promise((resolve) => {
        const released = this.#release.promise;
        once(this.#begun, name).resolve();
        extra.signal.addEventListener("abort", () => {
          this.abortedNames.push(name);
          this.aborted(name).resolve();
          resolve({ content: [{ type: "text", text: "aborted" }] });
        });
        released.then(() => resolve({ content: [{ type: "text", text: name }] }));
      }));
  }
}

function once(map: Map<string, PromiseWithResolvers<void>>, name: string) {
  let one = map.get(name);
  if (one === undefined) map.set(name, one = Promise.withResolvers<void>());
  return one;
}
