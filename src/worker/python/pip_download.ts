/**
 * The one pkg.install step that has network: the system's pip fetches wheels into a
 * download directory. It runs the system interpreter in isolated mode with the session's
 * venv neither mounted nor on sys.path, so no code an earlier install put in the venv
 * (a `.pth` file, a package shadowing `pip`) runs while the network is open; the venv
 * step that follows installs from that directory offline.
 * @module
 */
import { bareHost } from "../../config/mod.ts";
import { toHex } from "../../core/mod.ts";
import { execDenyProgram, INSTALL_SECCOMP } from "../sandbox/mod.ts";
import type { Requirement } from "./requirements.ts";

/** Where the download directory appears in both the download and the install sandbox. */
export const DOWNLOADS_SANDBOX_PATH = "/pip-downloads";
/** Exit code of the download step when a caller's index host resolves to a refused address. */
export const EXIT_INDEX_REFUSED = 86;
/** Exit code of the download step when a caller's index host does not resolve. */
export const EXIT_INDEX_UNRESOLVED = 87;

/**
 * Runs the system pip (or, where the system has none, the pip wheel Python bundles for
 * ensurepip, which pip supports running from). argv: mode ("caller" | "operator"), the
 * index host, then pip's own arguments. In "caller" mode it first resolves the host as
 * pip will (getaddrinfo) and refuses loopback, link-local, unspecified and metadata
 * addresses, then keeps refusing them for every connection pip makes, so a redirect or a
 * file link on the index cannot reach them either, nor a DNS answer that changed since.
 */
const DOWNLOAD_LAUNCHER = `
import glob, ipaddress, os, runpy, socket, sys
mode, host, builds = sys.argv[1], sys.argv[2], sys.argv[3]
del sys.argv[1:4]
if builds == "wheels-only":
    # pip applies --only-binary to what it finds on the index, not to a URL in a package's
    # metadata (name @ https://.../x.tar.gz, name @ git+https://...): it would run that sdist's
    # build hooks, or git, in a child process, with network and outside the address filter
    # below. pip downloading wheels starts no process: refuse every one.
    def no_process(*args, **kwargs):
        raise PermissionError(
            "pkg.install downloads wheels only: a dependency given as a URL to a source "
            "archive or a repository (in a package's metadata) would run its build code or "
            "git, and is refused")
    import _posixsubprocess, subprocess
    _posixsubprocess.fork_exec = no_process
    subprocess.Popen._execute_child = no_process
    for name in ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp",
                 "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp",
                 "execlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe"):
        if hasattr(os, name):
            setattr(os, name, no_process)
# link-local covers 169.254.169.254; these are the other cloud metadata addresses
META = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "fd00:ec2::254/128", "100.100.100.200/32", "192.0.0.192/32")]
def refused(ip):
    try:
        a = ipaddress.ip_address(str(ip).split("%")[0])
    except ValueError:
        return False
    if a.version == 6 and a.ipv4_mapped:
        a = a.ipv4_mapped
    return a.is_loopback or a.is_link_local or a.is_unspecified or any(a in n for n in META)
if mode == "caller":
    try:
        found = {i[4][0] for i in socket.getaddrinfo(host, None)}
    except OSError as e:
        print(f"Cannot resolve {host!r}: {e}", file=sys.stderr)
        sys.exit(${EXIT_INDEX_UNRESOLVED})
    bad = sorted(a for a in found if refused(a))
    if bad:
        print(f"{host!r} resolves to {', '.join(bad)}", file=sys.stderr)
        sys.exit(${EXIT_INDEX_REFUSED})
    real_getaddrinfo, real_connect, real_connect_ex = (
        socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex)
    def getaddrinfo(*args, **kwargs):
        ok = [i for i in real_getaddrinfo(*args, **kwargs) if not refused(i[4][0])]
        if not ok:
            raise socket.gaierror(socket.EAI_NONAME, "only loopback or link-local addresses")
        return ok
    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and refused(address[0]):
            raise ConnectionRefusedError(f"connecting to {address[0]} is not allowed")
    def connect(self, address):
        check(self, address)
        return real_connect(self, address)
    def connect_ex(self, address):
        check(self, address)
        return real_connect_ex(self, address)
    socket.getaddrinfo = getaddrinfo
    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
# pip prints the index URL as given, hiding only a password: the operator's index may carry
# its credential in the query, which the caller reads in the output
class Hiding:
    def __init__(self, stream, secrets):
        self.stream, self.secrets = stream, secrets
    def write(self, text):
        for secret, shown in self.secrets:
            text = text.replace(secret, shown)
        return self.stream.write(text)
    def __getattr__(self, name):
        return getattr(self.stream, name)
from urllib.parse import parse_qsl, urlsplit
index = urlsplit(sys.argv[sys.argv.index("--index-url") + 1])
secrets = [(index.query, "&".join(
    p.split("=", 1)[0] + "=****" if "=" in p else "****" for p in index.query.split("&")))]
secrets += [(v, "****") for _, v in parse_qsl(index.query) if len(v) >= 4]
secrets += [("#" + index.fragment, "#****")]
secrets = [(secret, shown) for secret, shown in secrets if secret not in ("", "#")]
if secrets:
    sys.stdout, sys.stderr = Hiding(sys.stdout, secrets), Hiding(sys.stderr, secrets)
try:
    import pip
except ImportError:
    import ensurepip
    wheels = sorted(glob.glob(os.path.dirname(ensurepip.__file__) + "/_bundled/pip-*.whl"))
    wheels += sorted(glob.glob("/usr/share/python-wheels/pip-*.whl"))
    if not wheels:
        sys.exit("The system python3 has no pip and no bundled pip wheel")
    sys.path.insert(0, wheels[0])
#EXEC_GUARD
sys.argv[0] = "pip"
runpy.run_module("pip", run_name="__main__", alter_sys=True)
`;

/**
 * The kernel's side of "start no process" (the Python patches above cover pip's own code):
 * a seccomp filter refusing execve, stacked on the sandbox's, installed just before pip
 * runs. Best effort: where it cannot be installed, the patches still refuse.
 */
function execGuard(): string {
  const arch = Deno.build.arch;
  const program = execDenyProgram(arch);
  if (!program) return "";
  return `${INSTALL_SECCOMP}
try:
    _seccomp(bytes.fromhex("${toHex(program)}"), "${arch}")
except OSError:
    pass
`;
}

/** Options for {@link pipDownloadArgv}. */
export interface PipDownloadOptions {
  indexUrl: string;
  noDeps?: boolean | undefined;
  /**
   * Whether the call named the index: then no address pip connects to may be loopback,
   * link-local, unspecified or a metadata service. Default false.
   */
  fromCaller?: boolean | undefined;
  /**
   * Whether the index is the operator's configured one: a plain-http index (an in-cluster
   * mirror) is then marked trusted, which pip otherwise ignores. Never for a caller's URL.
   */
  operatorIndex?: boolean | undefined;
  /**
   * Let pip build wheels from source distributions (`pip wheel`), which runs the
   * package's build code while pip has network. Default false: `pip download` of wheels.
   */
  allowSourceBuilds?: boolean | undefined;
}

/**
 * argv of the download step (system python3, no venv); `--` ends options, though
 * validation already refused any. pip ignores what is installed here, so it fetches the
 * whole dependency tree; the offline install then takes what it still needs.
 */
export function pipDownloadArgv(
  requirements: readonly Requirement[],
  options: PipDownloadOptions,
): string[] {
  const url = new URL(options.indexUrl);
  const trust = options.operatorIndex && !options.fromCaller && url.protocol === "http:"
    ? ["--trusted-host", url.host]
    : [];
  const command = options.allowSourceBuilds
    ? ["wheel", "--wheel-dir", DOWNLOADS_SANDBOX_PATH]
    : ["download", "--dest", DOWNLOADS_SANDBOX_PATH, "--only-binary", ":all:"];
  return [
    "python3",
    "-I",
    "-c",
    DOWNLOAD_LAUNCHER.replace(
      "#EXEC_GUARD\n",
      options.allowSourceBuilds ? "" : execGuard(),
    ),
    options.fromCaller ? "caller" : "operator",
    bareHost(url.hostname),
    options.allowSourceBuilds ? "builds" : "wheels-only",
    "--isolated", // ignore pip config files and PIP_* variables
    command[0] as string,
    "--disable-pip-version-check",
    "--no-input",
    "--no-cache-dir",
    "--progress-bar",
    "off",
    ...command.slice(1),
    ...(options.noDeps ? ["--no-deps"] : []),
    "--index-url",
    options.indexUrl,
    ...trust,
    "--",
    ...requirements.map((r) => r.spec),
  ];
}
