"""Datasets from the internet or a local mirror, verified by the SHA-256 of their content.

Every file is checked by the SHA-256 of its *uncompressed* content, so a
re-compressed mirror copy of a ``.gz`` is accepted while any change to the
data itself is not.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import shutil
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from .io import DataError, atomic_path

log = logging.getLogger("gdlab")

MIRROR_ENV = "GDLAB_DATA_MIRROR"


def content_bytes(path: str | Path, compressed: bool, name: str | None = None) -> bytes:
    """The file's content, decompressed when it is a gzip archive; errors name ``name`` (default: the path)."""
    raw = Path(path).read_bytes()
    if not compressed:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        head = raw[:60].decode("latin-1", "replace").strip()
        hint = " (it looks like an HTML page, not data)" if head.lower().startswith(("<!doctype", "<html")) else ""
        raise DataError(f"{name or path}: expected a gzip archive but could not decompress it{hint}: {exc}") from exc


def verify(path: Path, expected_sha256: str, compressed: bool, name: str) -> None:
    """``path`` holds the content whose SHA-256 is ``expected_sha256``; ``name`` says what it is and where from."""
    actual = hashlib.sha256(content_bytes(path, compressed, name)).hexdigest()
    if actual != expected_sha256:
        raise DataError(f"checksum mismatch for {name}: expected SHA-256 {expected_sha256}, got {actual} "
                        f"(of the {'uncompressed ' if compressed else ''}content)")


def _download(url: str, dest: Path, timeout_s: float) -> None:
    if not url.startswith("https://"):
        raise DataError(f"refusing to download over a non-HTTPS URL: {url}")
    req = urllib.request.Request(url, headers={"User-Agent": "gdlab"})
    with urllib.request.urlopen(req, timeout=timeout_s) as resp, open(dest, "wb") as out:
        shutil.copyfileobj(resp, out)


def fetch(dataset: str, filename: str, out: Path, *, sha256: str, compressed: bool, urls: list[str],
          mirror: str | None, timeout_s: float) -> str:
    """Bring ``dataset/filename`` to ``out``, verified; return where it came from.

    With a mirror folder the file is copied from ``mirror/dataset/filename``;
    otherwise each base URL is tried in turn. Nothing is left at ``out`` unless
    the content hash matches.
    """
    out = Path(out)
    name = f"{dataset}/{filename}"
    with atomic_path(out) as tmp:
        if mirror:
            src = Path(mirror) / dataset / filename
            if not src.is_file():
                raise DataError(
                    f"{name}: not found in the local mirror {mirror} "
                    f"(looked for {src}; set {MIRROR_ENV} to a folder laid out as <dataset>/<file>)"
                )
            shutil.copyfile(src, tmp)
            origin = str(src)
        else:
            errors = []
            origin = ""
            for base in urls:
                url = base.rstrip("/") + "/" + filename if not base.endswith(filename) else base
                try:
                    _download(url, tmp, timeout_s)
                    origin = url
                    break
                except (urllib.error.URLError, OSError, DataError) as exc:
                    errors.append(f"  {url}: {exc}")
            if not origin:
                raise DataError(
                    f"{name}: every download failed:\n" + "\n".join(errors)
                    + f"\nWithout internet, set {MIRROR_ENV} to a local copy laid out as "
                    "<dataset>/<file> (for example ../shared/data)."
                )
        verify(tmp, sha256, compressed, f"{name} (from {origin})")
    log.info("fetched %s from %s (SHA-256 of content ok)", name, origin)
    return origin
