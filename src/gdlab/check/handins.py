"""A class's hand-ins: the groups in a folder (``G##_Names.zip`` as the course collects them, or such folders
already unzipped), each group's notebooks, and a group's folder staged for the sandbox — unzipped safely (no path
outside the folder, no links, limits on size and count) with the course's data supplied where it lacks them."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SKIP = ("__MACOSX", ".ipynb_checkpoints", ".")


def safe_id(name: str) -> str:
    """A name usable as a wildcard and a file name: anything but letters, digits, '_', '.', '-' becomes '_'."""
    clean = re.sub(r"[^A-Za-z0-9_.-]", "_", name).strip("._") or "unnamed"
    return clean if clean[0].isalnum() else f"x{clean}"


def _skipped(parts) -> bool:
    return any(p.startswith(SKIP) for p in parts)


def discover(folder: str | os.PathLike) -> dict[str, dict]:
    """Group id -> {"source": zip or folder, "notebooks": {notebook id: path of the notebook inside the group's
    folder}}. A group is a ``*.zip`` or a sub-folder of ``folder``; its notebooks are the ``.ipynb`` files of its
    one top-level folder (or of itself), checkpoints and macOS metadata left out. Ids that clash get a suffix."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"handins: {folder} is not a folder (give the folder that holds the groups' zips)")
    groups: dict[str, dict] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_file() and entry.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(entry) as z:
                    names = [n for n in z.namelist() if n.lower().endswith(".ipynb")]
            except zipfile.BadZipFile:
                names = []
            notebooks = _notebooks(PurePosixPath(n) for n in names)
        elif entry.is_dir():
            notebooks = _notebooks(p.relative_to(entry) for p in entry.rglob("*.ipynb") if not p.is_symlink())
        else:
            continue
        gid = safe_id(entry.stem if entry.is_file() else entry.name)
        while gid in groups:
            gid += "_"
        groups[gid] = {"source": str(entry), "notebooks": notebooks}
    return groups


def source_files(source: str | os.PathLike) -> list[str]:
    """What a group's check depends on: its zip, or every file of its folder (a changed file reruns the group)."""
    source = Path(source)
    return [str(source)] if not source.is_dir() else sorted(str(p) for p in source.rglob("*") if p.is_file())


def _notebooks(paths) -> dict[str, str]:
    paths = [PurePosixPath(p) for p in paths if not _skipped(PurePosixPath(p).parts)]
    top = {p.parts[0] for p in paths if len(p.parts) > 1}
    base = len(top) == 1 and all(len(p.parts) > 1 for p in paths)
    out = {}
    for p in sorted(paths):
        inside = PurePosixPath(*p.parts[1:]) if base else p
        if len(inside.parts) != 1:  # only the folder's own notebooks, as the course collects them
            continue
        nid = safe_id(inside.stem)
        while nid in out:
            nid += "_"
        out[nid] = str(inside)
    return out


def stage(source: str | os.PathLike, dest: Path, max_bytes: int, max_files: int) -> None:
    """The group's folder (the zip's one top-level folder, or the folder itself) copied to ``dest``: regular files
    only, no absolute paths or '..', at most ``max_files`` files and ``max_bytes`` in all (a zip bomb stops here)."""
    source = Path(source)
    dest.mkdir(parents=True)
    total = count = 0

    def budget(size: int, name: str, files: int = 1):
        nonlocal total, count
        total, count = total + size, count + files
        if total > max_bytes or count > max_files:
            raise ValueError(f"{source}: more than {max_files} files or {max_bytes // 2**20} MB unpacked "
                             f"(at {name}); see check.max_handin_mb")

    if source.is_file():
        with zipfile.ZipFile(source) as z:
            infos = [i for i in z.infolist() if not i.is_dir() and not _skipped(PurePosixPath(i.filename).parts)]
            parts = [PurePosixPath(i.filename).parts for i in infos]
            strip = len({p[0] for p in parts}) == 1 and all(len(p) > 1 for p in parts)
            for info, p in zip(infos, parts):
                rel = PurePosixPath(*(p[1:] if strip else p))
                mode = info.external_attr >> 16
                if rel.is_absolute() or ".." in rel.parts or stat.S_ISLNK(mode) or not rel.parts:
                    continue
                target = dest.joinpath(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                budget(0, info.filename)
                with z.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 20):  # counted as it is unpacked: the zip's sizes may lie
                        budget(len(chunk), info.filename, files=0)
                        out.write(chunk)
    else:
        subs = [p for p in source.iterdir() if not p.name.startswith(".")]
        root = subs[0] if len(subs) == 1 and subs[0].is_dir() and not subs[0].is_symlink() else source
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if _skipped(rel.parts) or path.is_symlink() or not path.is_file():
                continue
            budget(path.stat().st_size, str(rel))
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def supply(dest: Path, data: dict[str, str]) -> list[str]:
    """The course's data files (relative name -> file) that the staged folder lacks, linked (or copied) in; the
    names supplied."""
    supplied = []
    for rel, src in data.items():
        target = dest / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, target)
        except OSError:
            shutil.copyfile(src, target)
        supplied.append(rel)
    for path in [dest, *dest.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    return supplied


def digest(folder: Path, notebook: str, extra: str) -> str:
    """What a notebook's check depends on: the notebook, every file of the folder except the other notebooks and
    PDFs, and ``extra`` (the checker's code and settings) — equal digests give equal checks."""
    h = hashlib.sha256(extra.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel != notebook and path.suffix.lower() in (".ipynb", ".pdf"):
            continue
        h.update(rel.encode() + b"\0")
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()
