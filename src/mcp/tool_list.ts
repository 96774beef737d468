import { ListToolsRequestSchema, type McpServer } from "./sdk.ts";
import { sdkRequestHandlers } from "./_request_handlers.ts";

/** Where one tools/list answer is kept; servers that register the same tools share one. */
interface Slot {
  answer?: Promise<unknown>;
}

const SHARED = new WeakMap<object, Slot>();

/**
 * Makes tools/list answer from a list built once. The SDK converts every tool's input and
 * output schema to JSON Schema on each call (about 1.6 ms for our tools), though the tools
 * never change once registered. The first call lets the SDK build its own answer, so it
 * stays byte for byte the SDK's; later calls, on any server given the same `key`, get that
 * answer. Servers that share a key must register the same tools (createMcpServer keys on
 * the config the tool definitions are made from). A tool added, changed or removed on a
 * server later (the SDK then sends list_changed) gives that server its own list, built
 * anew. Wraps the SDK's registered tools/list handler (a private map: a pinned SDK without
 * it fails here), so call it once the tools are registered.
 */
export function answerToolListOnce(server: McpServer, key: object): void {
  const handlers = sdkRequestHandlers(server, "tool_list.ts");
  const inner = handlers.get("tools/list");
  if (!inner) {
    throw new Error("The MCP SDK no longer keeps a tools/list handler; update tool_list.ts");
  }
  let slot: Slot = SHARED.get(key) ?? {};
  SHARED.set(key, slot);
  const notify = server.sendToolListChanged.bind(server);
  server.sendToolListChanged = () => {
    slot = {};
    notify();
  };
  handlers.set("tools/list", (request, extra) => {
    if (slot.answer === undefined) {
      // the SDK checks the params (throwing at once) and builds the list
      const built = inner(request, extra).then(freeze);
      const mine = slot;
      mine.answer = built;
      built.catch(() => {
        if (mine.answer === built) delete mine.answer;
      });
      return built;
    }
    // the SDK's own check of the params, thrown as it throws it (invalid_params.ts reads it)
    const parsed = ListToolsRequestSchema.safeParse(request);
    if (!parsed.success) throw parsed.error;
    return slot.answer;
  });
}

// Every connection gets the same object: frozen, so no code path can change it for others.
function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}
