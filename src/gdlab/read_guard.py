"""The read guard of the test builds: inside a job's script, touching a path of the build's ``results/`` that the job
did not declare fails the job, naming the path and the rule — whether or not the path happens to exist in this
order of the jobs. It is the cheap half of the guard against order dependencies: Snakemake's shadow folders prove
the same by absence, at the cost of a whole Snakemake start per job, and run only the rules whose reading is done by
another program (pandoc, typst), which Python's audit events cannot see.

Python reports every ``open``, directory listing, ``chdir`` and process start to audit hooks (PEP 578). The hook
checks those that read: a file opened for reading must be a declared input, output or log, or lie in a declared
folder; a folder listed, entered or given to a process must be one of those or hold one; so must every argument of
a started process that names a path of ``results/``. Writes are not checked: an undeclared file that no job reads is
harmless, and the job that would read it is caught.

``workflow/read_guard/sitecustomize.py`` installs it in each job's script process (``read_guard: true``)."""

from __future__ import annotations

import atexit
import os
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND


EVENTS = frozenset({"open", "os.listdir", "os.scandir", "os.chdir", "subprocess.Popen", "os.mkdir", "os.rename"})


class UndeclaredRead(PermissionError):
    """A job touched a path of results/ that it did not declare."""


def _abs(path) -> str | None:
    if isinstance(path, int) or path is None:
        return None
    try:
        path = os.fsdecode(os.fspath(path))
    except TypeError:
        return None
    return os.path.normpath(os.path.abspath(path))


class Declared:
    """What a job may touch under ``results``: its declared files (inputs, outputs, logs) and what lies beneath them
    (folders declared with ``directory()``), and the folders that hold them."""

    def __init__(self, results: str, rule: str, paths):
        self.results, self.rule = _abs(results), rule
        self.paths = {p for p in map(_abs, paths) if p is not None}
        self.made: set[str] = set()  # files and folders the job made itself
        self.made_folders: set[str] = set()
        self.ancestors: set[str] = set()
        for p in self.paths:
            folder = os.path.dirname(p)
            while folder not in self.ancestors and folder != os.path.dirname(folder):
                self.ancestors.add(folder)
                folder = os.path.dirname(folder)

    def guarded(self, path: str) -> bool:
        return path == self.results or path.startswith(self.results + os.sep)

    def file_ok(self, path: str) -> bool:
        return (path in self.paths or path in self.made or path in self.made_folders
                or any(path.startswith(p + os.sep) for p in (*self.paths, *self.made_folders)))

    def folder_ok(self, path: str) -> bool:
        return self.file_ok(path) or path in self.ancestors

    def undeclared_folder(self, path) -> str | None:
        """``path`` made absolute, where it is a folder of results/ that holds nothing the job declared."""
        target = _abs(path)
        return target if target and self.guarded(target) and not self.folder_ok(target) else None

    def why(self, event: str, args) -> str | None:
        """The complaint about one audit event, or None when it reads nothing undeclared."""
        if event == "open":
            path, mode, flags = args
            target = _abs(path)
            if not target or not self.guarded(target):
                return None
            if not ("r" in mode if isinstance(mode, str) else not flags & WRITE_FLAGS):
                self.made.add(target)  # its own file (a temporary one, say): it may read it back
            elif not self.file_ok(target):
                return f"reads {target}"
        elif event == "os.mkdir":
            made = _abs(args[0])
            if made and not os.path.isdir(made):  # a folder that was there (another job's) is not its own
                self.made_folders.add(made)
        elif event == "os.rename":
            if _abs(args[0]) in self.made:
                self.made.add(_abs(args[1]))
        elif event in ("os.listdir", "os.scandir", "os.chdir"):
            if target := self.undeclared_folder(args[0] if args and args[0] is not None else "."):
                return f"{event.split('.')[1]} {target}"
        elif event == "subprocess.Popen":
            _executable, argv, cwd, _env = args
            if cwd is not None and (target := self.undeclared_folder(cwd)):
                return f"starts a process in {target}"
            for arg in [argv] if isinstance(argv, (str, bytes, os.PathLike)) else list(argv or ()):
                if target := self.undeclared_folder(arg):
                    return f"starts a process on {target}"
        return None

    def message(self, what: str) -> str:
        return (f"read guard: rule {self.rule} {what}, which is not among its declared inputs, outputs or logs: "
                f"declare it as an input (another job makes it), or make it in this job")


def install(results: str = "results", main=None) -> list[str]:
    """Install the hook in this process; returns the list its complaints collect in. ``main`` (the module whose
    global ``snakemake`` is the job, __main__ by default) is read at each event until the job is there."""
    found: list[str] = []
    state: dict = {}
    results = _abs(results)

    def hook(event, args):
        if event not in EVENTS:
            return
        job = state.get("job")
        if job is None:
            sm = getattr(main or sys.modules.get("__main__"), "snakemake", None)
            if sm is None or not hasattr(sm, "input"):
                return  # Snakemake's preamble has not made the job yet
            job = state["job"] = Declared(results, sm.rule, [*sm.input, *sm.output, *sm.log])
        what = job.why(event, args)
        if what:
            found.append(job.message(what))
            raise UndeclaredRead(found[-1])

    def verdict():
        # The job may have caught the error (an `except OSError`): it fails all the same.
        if found:
            sys.stderr.write("\n".join(dict.fromkeys(found)) + "\n")
            sys.stderr.flush()
            os._exit(3)

    sys.addaudithook(hook)
    atexit.register(verdict)
    return found
