// Opens a session workspace under the root given, prints "ready", then waits to be killed:
// a process that ends without ending its sessions.
import { WorkspaceManager } from "../workspace_manager.ts";

const manager = new WorkspaceManager(Deno.args[0] ?? "");
await manager.ensure(Deno.args[1] ?? "left-behind");
// deno-lint-ignore no-console -- the test waits for this line
console.log("ready");
setInterval(() => {}, 60_000); // keeps the process alive until killed
