import assert from "node:assert/strict";
import { toHex } from "../../core/mod.ts";
import { INSTALL_SECCOMP } from "./close_fds.ts";
import { execDenyProgram } from "./seccomp_filter.ts";

const program = execDenyProgram(Deno.build.arch);

Deno.test({
  name: "execDenyProgram() stops a process starting any program, even through libc directly",
  ignore: program === undefined,
  async fn() {
    // Python patches cannot be bypassed by pip's code, but the kernel's refusal holds for
    // any code: libc's execv called through ctypes gets EPERM; the process itself goes on
    const script = `import ctypes, os, sys\n${INSTALL_SECCOMP}\n` +
      `_seccomp(bytes.fromhex("${toHex(program!)}"), "${Deno.build.arch}")\n` +
      "libc = ctypes.CDLL(None, use_errno=True)\n" +
      "argv = (ctypes.c_char_p * 2)(b'/bin/true', None)\n" +
      "libc.execv(b'/bin/true', argv)\n" +
      "print('refused', os.strerror(ctypes.get_errno()))\n" +
      "try:\n    os.execv('/bin/true', ['true'])\nexcept PermissionError:\n    print('refused again')\n";
    const out = await new Deno.Command("python3", {
      args: ["-I", "-S", "-c", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(text, "refused Operation not permitted\nrefused again\n");
  },
});
