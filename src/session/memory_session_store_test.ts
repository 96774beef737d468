import { MemorySessionStore } from "./memory_session_store.ts";
import { runSessionStoreContract } from "./session_store_contract.ts";

runSessionStoreContract("MemorySessionStore", () => {
  const store = new MemorySessionStore();
  return Promise.resolve({ store, close: () => store.close() });
});
