// Reads stdin to its end through the stdio transport's source, then prints what fd 0 is:
// it must still be open, or the next pipe made for a sandbox would take its number.
import { stdinSource } from "../stdin_source.ts";

const source = stdinSource();
let bytes = 0;
for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
  bytes += chunk.length;
}
await source.close();
await new Promise((r) => setTimeout(r, 50));
let fd0: string;
try {
  fd0 = Deno.readLinkSync("/proc/self/fd/0");
} catch {
  fd0 = "closed";
}
// deno-lint-ignore no-console -- the test reads this line
console.log(JSON.stringify({ bytes, fd0 }));
