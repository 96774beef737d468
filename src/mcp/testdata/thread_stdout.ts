// Writes through the stdout thread as the stdio transport does. `lines N`: an empty write,
// then N numbered lines of growing length (several ring-fulls), then waits until they are
// out. `forever`: writes until a write fails, then prints on stderr what failed.
import { ThreadStdout } from "../stdout_sink.ts";

const encoder = new TextEncoder();
const out = await ThreadStdout.start();
const write = async (text: string) => {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await out.write(bytes.subarray(done));
};
if (Deno.args[0] === "lines") {
  if (await out.write(new Uint8Array(0)) !== 0) Deno.exit(5); // an empty write takes nothing
  for (let i = 0; i < Number(Deno.args[1]); i++) await write(`${i} ${"x".repeat(i * 97)}\n`);
  if (!await out.drained(30_000)) Deno.exit(3);
} else {
  try {
    for (let i = 0; i < 1_000_000; i++) await write(`${i} ${"y".repeat(1000)}\n`);
    Deno.exit(4); // the reader never went away
  } catch (err) {
    // deno-lint-ignore no-console -- the test reads this line
    console.error(JSON.stringify({ error: (err as Error).name }));
  }
}
out.close();
