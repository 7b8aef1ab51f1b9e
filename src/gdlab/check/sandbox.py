"""The sandbox one hand-in notebook runs in: Debian's bubblewrap (``bwrap``, as Flatpak uses it) with ``prlimit``
limits and a wall-clock ``timeout -s KILL`` — existing tools, no hand-made filter.

What the sandbox sees: the system's ``/usr`` (and its ``/lib`` links), a few files of ``/etc`` (the loader cache,
no passwd or shadow), the Python installation and the virtual environment read-only, the runner read-only, the
group's folder read-only (as ``/handin/<folder>``, its working directory), a size-limited tmpfs as HOME and /tmp,
and one writable folder for its results (``/out``). No network (its own empty network namespace, loopback only:
the kernel's ZMQ sockets work), its own PID, IPC and UTS namespaces, a new session (no terminal injection), killed
with its parent.

Privileges: run as root, bwrap keeps only CAP_SETUID/CAP_SETGID/CAP_SETPCAP inside, and ``setpriv`` switches to an
unprivileged uid (one per job, from ``uid_base``, so that the process limit of one job is not shared with another)
with every capability and the bounding set cleared, before ``prlimit`` and Python start; the kernel enforces
RLIMIT_NPROC for that uid. Run unprivileged, bwrap maps the caller into a new user namespace and the same limits
apply to the caller's uid.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf", "localtime", "ssl/certs")
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    wall_s: int  # wall clock of the whole run, kernel start to probe (timeout -s KILL)
    cpu_s: int  # RLIMIT_CPU of each process
    memory_mb: int  # RLIMIT_AS of each process (torch alone maps a few GB of virtual memory)
    file_mb: int  # RLIMIT_FSIZE: the largest file it may write
    processes: int  # RLIMIT_NPROC: processes and threads of its uid
    tmp_mb: int  # size of its tmpfs (HOME, /tmp)

    @classmethod
    def from_config(cls, cfg: dict) -> "Limits":
        return cls(**{k: int(cfg[k]) for k in cls.__dataclass_fields__})


def job_uid(base: int, span: int, key: str) -> int:
    """An unprivileged uid for one job, the same for the same key: parallel jobs have their own process limits."""
    return base + zlib.crc32(key.encode()) % span


def command(*, handin: Path, inside: str, out: Path, checker: dict[str, Path], argv: list[str], limits: Limits, uid: int,
            python_prefixes: list[Path] | None = None) -> list[str]:
    """The command line: timeout, bwrap with its binds, (as root) setpriv to ``uid``, prlimit, then ``argv``.
    ``checker`` maps a file name under /checker to its source file (the runner, the probe, the specs)."""
    prefixes = python_prefixes or sorted({Path(sys.base_prefix), Path(sys.prefix)})
    root = os.geteuid() == 0
    # Every namespace but the user one (as root, a user namespace would map uid 0 alone and setpriv could not switch).
    cmd = ["timeout", "-s", "KILL", str(limits.wall_s), "bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc",
           "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
           "--new-session", "--clearenv", "--hostname", "sandbox",
           "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    for link in ("bin", "sbin", "lib", "lib32", "lib64"):
        target = Path("/") / link
        if target.is_symlink():
            cmd += ["--symlink", os.readlink(target), f"/{link}"]
        elif target.is_dir():
            cmd += ["--ro-bind", str(target), f"/{link}"]
    for name in ETC_FILES:
        if (Path("/etc") / name).exists():
            cmd += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # The tmpfs mounts first: a checkout (and so its virtual environment) may itself live under /tmp, and a later
    # tmpfs would hide the binds made below it.
    cmd += ["--perms", "1777", "--size", str(limits.tmp_mb * MB), "--tmpfs", "/scratch",
            "--perms", "1777", "--size", str(limits.tmp_mb * MB), "--tmpfs", "/tmp"]
    for prefix in prefixes:  # its parents made traversable (bwrap would make them 0700 as root)
        for parent in reversed(prefix.parents[:-1]):
            cmd += ["--perms", "0755", "--dir", str(parent)]
        cmd += ["--ro-bind", str(prefix), str(prefix)]
    cmd += ["--perms", "0755", "--dir", "/checker", "--perms", "0755", "--dir", str(Path(inside).parent)]
    for name, src in checker.items():
        cmd += ["--ro-bind", str(src), f"/checker/{name}"]
    cmd += ["--ro-bind", str(handin), inside, "--bind", str(out), "/out", "--chdir", inside]
    env = {"HOME": "/scratch", "TMPDIR": "/tmp", "PATH": f"{Path(sys.prefix)}/bin:/usr/bin:/bin",
           "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/scratch/.matplotlib",
           "IPYTHONDIR": "/scratch/.ipython", "JUPYTER_RUNTIME_DIR": "/scratch/.jupyter",
           "JUPYTER_PLATFORM_DIRS": "1", "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    if root:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--",
                "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--"]
    else:
        cmd += ["--unshare-user", "--uid", str(uid), "--gid", str(uid), "--"]
    cmd += ["/usr/bin/prlimit", f"--as={limits.memory_mb * MB}", f"--cpu={limits.cpu_s}",
            f"--fsize={limits.file_mb * MB}", f"--nproc={limits.processes}", "--core=0", "--", *argv]
    return cmd


@dataclass(frozen=True)
class Outcome:
    returncode: int
    seconds: float
    killed: bool  # by the wall-clock limit
    stderr_tail: str


def run(cmd: list[str], out: Path, uid: int, limits: Limits) -> Outcome:
    """Run the sandbox with ``out`` (writable inside, owned by the job's uid when the checker is root); its stdout
    and stderr go to files in ``out``, each at most ``file_mb`` (RLIMIT_FSIZE), of which the last 4 kB are kept."""
    out.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(out, uid, uid)
    out.chmod(0o700)
    start = time.perf_counter()
    with open(out / "stdout.txt", "wb") as so, open(out / "stderr.txt", "wb") as se:
        if os.geteuid() == 0:
            os.fchown(so.fileno(), uid, uid)
            os.fchown(se.fileno(), uid, uid)
        proc = subprocess.run(cmd, stdout=so, stderr=se, stdin=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - start
    return Outcome(proc.returncode, seconds, proc.returncode in (137, -9) and seconds >= limits.wall_s - 1,
                   read_tail(out / "stderr.txt", 4096))


def read_tail(path: Path, n: int) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - n))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def read_capped(path: Path, max_bytes: int) -> bytes | None:
    """A file the sandbox wrote, if it is a regular file (not a link) of at most ``max_bytes``; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not os.path.isfile(f"/proc/self/fd/{fd}") or os.fstat(fd).st_size > max_bytes:
            return None
        return f.read(max_bytes + 1)[:max_bytes]
