/** How the host's root-level system directories look, mirrored into every sandbox. */
export interface HostLayout {
  /** Top-level names that are symlinks on the host (e.g. `/bin -> usr/bin`). */
  symlinks: { path: string; target: string }[];
  /** Top-level system directories bound read-only. */
  dirs: string[];
  /** `/etc` entries bound read-only when present (never `/etc` wholesale). */
  etc: string[];
  /** Extra `/etc` entries for sandboxes with network (name resolution). */
  etcNetwork: string[];
  /**
   * Tools the launcher runs inside the sandbox, as seen there: util-linux's, bwrap, and the
   * system python3 (never the session venv's, which installed packages can replace).
   */
  tools: { prlimit: string; setpriv: string; chown: string; bwrap: string; python3: string };
}

const TOP_LEVEL = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
// What Python, the dynamic loader and TLS need; /etc/ssl/private is deliberately absent.
const ETC = [
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/alternatives",
  "/etc/localtime",
  "/etc/mime.types",
  "/etc/hosts",
  "/etc/ssl/certs",
  "/etc/ssl/openssl.cnf",
  "/etc/ca-certificates",
  "/etc/pki/tls/certs",
];
const ETC_NETWORK = [
  "/etc/resolv.conf",
  "/etc/nsswitch.conf",
  "/etc/host.conf",
  "/etc/gai.conf",
];

let cached: HostLayout | undefined;

/** Reads the host layout once (a few lstat calls). */
export function hostLayout(): HostLayout {
  if (cached) return cached;
  const symlinks: HostLayout["symlinks"] = [];
  const dirs: string[] = [];
  for (const path of TOP_LEVEL) {
    try {
      const info = Deno.lstatSync(path);
      if (info.isSymlink) symlinks.push({ path, target: Deno.readLinkSync(path) });
      else if (info.isDirectory) dirs.push(path);
    } catch {
      // absent on this distribution
    }
  }
  // Debian keeps sitecustomize.py under /etc/python3.X
  const etc = [...ETC];
  try {
    for (const entry of Deno.readDirSync("/etc")) {
      if (/^python3(\.\d+)?$/.test(entry.name)) etc.push(`/etc/${entry.name}`);
    }
  } catch {
    // no /etc listing: the fixed list is enough
  }
  cached = {
    symlinks,
    dirs,
    etc,
    etcNetwork: ETC_NETWORK,
    tools: {
      prlimit: findTool("prlimit"),
      setpriv: findTool("setpriv"),
      chown: findTool("chown"),
      bwrap: findTool("bwrap"),
      // the sandbox's PATH puts /usr/local/bin first; so does this
      python3: findTool("python3", ["/usr/local/bin", ...TOOL_DIRS]),
    },
  };
  return cached;
}

/**
 * The system python3 as a sandbox sees it (the path is the host's: /usr is bound as is).
 * Trusted Python starts on it, never on a session venv's, which installed packages can
 * replace along with the venv's pyvenv.cfg that the interpreter reads at start-up.
 */
export function systemPython(): string {
  return hostLayout().tools.python3;
}

/** bwrap arguments that show the host's system directories read-only. */
export function systemMountArgs(layout: HostLayout, network: boolean): string[] {
  const etc = network ? [...layout.etc, ...layout.etcNetwork] : layout.etc;
  const args = parentDirArgs(etc);
  for (const dir of layout.dirs) args.push("--ro-bind", dir, dir);
  for (const link of layout.symlinks) args.push("--symlink", link.target, link.path);
  for (const path of etc) args.push("--ro-bind-try", path, path);
  return args;
}

/**
 * `--dir` for every parent of `targets`, world-searchable: bwrap would otherwise create
 * them with the launcher's umask, which can leave them closed to the sandbox uid.
 */
export function parentDirArgs(targets: string[]): string[] {
  const parents = new Set<string>();
  for (const target of targets) {
    const parts = target.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) parents.add(`/${parts.slice(0, i).join("/")}`);
  }
  const sorted = [...parents].sort((a, b) => a.split("/").length - b.split("/").length);
  return sorted.flatMap((dir) => ["--perms", "0755", "--dir", dir]);
}

const TOOL_DIRS = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

function findTool(name: string, dirs: string[] = TOOL_DIRS): string {
  for (const dir of dirs) {
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // try the next directory
    }
  }
  return `/usr/bin/${name}`;
}
