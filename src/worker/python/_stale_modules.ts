/**
 * Python for the stateful interpreter (kernel_source.ts): notices when `pkg.install` replaced
 * a package this interpreter had already imported. Python keeps running the module it loaded,
 * so the new version would silently not be used; as a notebook does, the call is told.
 * @module
 */

/** `_StaleModules`: Python. */
export const STALE_MODULES: string = String.raw`
class _StaleModules:
    # Notes, after each call, the files of the session venv's modules that calls imported;
    # before a call, when a site-packages directory changed (pip adds and removes entries
    # there on every install), which of them were replaced or removed. One stat per call
    # when nothing was installed, so a call's overhead stays flat however much is imported.
    def __init__(self):
        import site
        venv = sys.prefix != sys.base_prefix
        self.roots = tuple(p + os.sep for p in site.getsitepackages()) if venv else ()
        self.seen = {}
        self.count = 0
        self.dirs = self._dir_stamps()

    def _stamp(self, path):
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _dir_stamps(self):
        return [self._stamp(root) for root in self.roots]

    def note(self):
        if not self.roots or len(sys.modules) == self.count:
            return
        self.count = len(sys.modules)
        for name, module in list(sys.modules.items()):
            if name in self.seen:
                continue
            path = getattr(module, "__file__", None)
            if isinstance(path, str) and path.startswith(self.roots):
                self.seen[name] = (path, self._stamp(path))

    def replaced(self):
        if not self.roots:
            return []
        now = self._dir_stamps()
        if now == self.dirs:
            return []
        self.dirs = now
        names = set()
        for name, (path, stamp) in list(self.seen.items()):
            if self._stamp(path) != stamp:
                del self.seen[name]  # told once
                if name in sys.modules:
                    names.add(name.partition(".")[0])
        return sorted(names)

    def warn(self):
        names = self.replaced()
        if names:
            sys.stderr.write(
                "codegen-mcp: %s changed on disk (pkg.install) after this interpreter imported "
                "it; it still runs the version it imported. To use the new one, end the "
                "interpreter with import os; os._exit(0): the next call starts a new one.\n"
                % ", ".join(names))
`;
