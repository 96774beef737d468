// Run by _tls_crash_guard_test.ts: throws the fault of Deno's TLS wrapper from a deferred
// task, then another error; the guard must swallow only the first.
import process from "node:process";
import { guardTlsInitRead } from "../_tls_crash_guard.ts";

guardTlsInitRead();
const fault = new TypeError("Cannot read properties of null (reading 'receive')");
fault.stack =
  `${fault.name}: ${fault.message}\n    at initRead (ext:deno_node/_tls_wrap.js:1:7636)\n` +
  "    at processTicksAndRejections (ext:core/01_core.js:377:17)";
process.nextTick(() => {
  throw fault;
});
const say = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(`${text}\n`));
setTimeout(() => {
  say("alive");
  process.nextTick(() => {
    throw new TypeError("another fault");
  });
}, 50);
setTimeout(() => say("still alive"), 500);
