"""Snakemake's lock on a project folder, released when the build that took it is gone.

A running build marks the folder with files under ``.snakemake/locks/`` and removes them when it ends, even on
SIGTERM or Ctrl-C. A build killed with SIGKILL (or by a power cut, or the out-of-memory killer) cannot, and the
next build stops with Snakemake's "Directory cannot be locked". The lock files name no process, so a lock is taken
as stale when no process of this machine runs Snakemake, or a job Snakemake started, in this folder; then
``snakemake --unlock`` releases it. A build that is still running keeps its lock: the next one stops, as it should.

``make report`` runs this first (``python -m gdlab.locks``). It reads ``/proc``, so it is Linux's; elsewhere it
leaves the lock alone and Snakemake's own message says what to type.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOCKS = Path(".snakemake") / "locks"
PROC = Path("/proc")


def is_snakemake(argv: list[str]) -> bool:
    """A Snakemake process (``snakemake ...``, ``python -m snakemake ...``), or a job script Snakemake runs
    (``python .snakemake/scripts/tmpXXXX.rule.py``), which a SIGKILL of Snakemake alone leaves running."""
    names = [Path(arg).name for arg in argv]
    if names[:1] == ["snakemake"] or (names[:1] and names[0].startswith("python") and names[1:2] == ["snakemake"]):
        return True
    if any(a == "-m" and b == "snakemake" for a, b in zip(argv, argv[1:])):
        return True
    return any("/.snakemake/scripts/" in arg or arg.startswith(".snakemake/scripts/") for arg in argv)


def builds_in(folder: Path, proc: Path = PROC) -> list[int]:
    """The processes that run Snakemake (or a job of it) with ``folder`` as their working directory. One whose
    working directory cannot be read (another user's) counts, to be safe."""
    folder = folder.resolve()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:  # gone meanwhile
            continue
        if not is_snakemake(argv):
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except FileNotFoundError:
            continue
        except OSError:
            cwd = folder
        if cwd == folder or folder in cwd.parents:
            found.append(int(entry.name))
    return sorted(found)


def stale_lock(folder: Path, proc: Path = PROC) -> bool | None:
    """True: ``folder`` holds a lock and no build runs there; False: no lock, or a build holds it; None: cannot
    tell (no ``/proc``)."""
    if not any((folder / LOCKS).glob("*.lock")):
        return False
    if not proc.is_dir():
        return None
    return not builds_in(folder, proc)


def main(folder: Path = Path(".")) -> int:
    state = stale_lock(folder)
    if state:
        print(f"gdlab: {(folder / LOCKS).resolve()} holds the lock of a build that is gone (killed); releasing it",
              file=sys.stderr)
        subprocess.run([sys.executable, "-m", "snakemake", "--unlock", "--quiet"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
