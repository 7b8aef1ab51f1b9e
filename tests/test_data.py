"""Datasets: mirror fetch, content checksums, clear errors, no partial output, IDX parsing."""

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from gdlab.data import (
    DataError, content_bytes, fetch, load_tensors, make_linreg, mnist_tensors, parse_idx, read_linreg_csv,
    save_tensors,
)


def make_mirror(tmp_path: Path, payload: bytes, compressed: bool, name="file.gz"):
    folder = tmp_path / "mirror" / "ds"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(gzip.compress(payload, mtime=0) if compressed else payload)
    return tmp_path / "mirror", hashlib.sha256(payload).hexdigest()


def do_fetch(tmp_path, mirror, sha, compressed=True, name="file.gz", urls=("https://127.0.0.1:9/",)):
    out = tmp_path / "out" / name
    fetch("ds", name, out, sha256=sha, compressed=compressed, urls=list(urls), mirror=mirror and str(mirror),
          timeout_s=2)
    return out


def test_mirror_copy_verified_by_content_not_archive_bytes(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"hello mnist" * 100, compressed=True)
    # Re-compress with another level: archive bytes change, content hash does not.
    f = mirror / "ds" / "file.gz"
    f.write_bytes(gzip.compress(b"hello mnist" * 100, compresslevel=1, mtime=123))
    out = do_fetch(tmp_path, mirror, sha)
    assert content_bytes(out, True) == b"hello mnist" * 100
    assert not list(out.parent.glob(".*part"))


def test_checksum_mismatch_names_file_and_both_hashes_and_leaves_nothing(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"good data", compressed=True)
    (mirror / "ds" / "file.gz").write_bytes(gzip.compress(b"gooD data"))  # one bit flipped in the content
    actual = hashlib.sha256(b"gooD data").hexdigest()
    with pytest.raises(DataError) as err:
        do_fetch(tmp_path, mirror, sha)
    msg = str(err.value)
    assert "ds/file.gz" in msg and sha in msg and actual in msg
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_html_error_page_instead_of_gzip_is_named(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"x", compressed=True)
    (mirror / "ds" / "file.gz").write_bytes(b"<!DOCTYPE html><html><body>429 Too Many Requests</body></html>")
    with pytest.raises(DataError, match=r"file\.gz.*HTML"):
        do_fetch(tmp_path, mirror, sha)
    assert not any((tmp_path / "out").iterdir())


def test_truncated_archive_is_rejected(tmp_path):
    mirror, sha = make_mirror(tmp_path, bytes(range(256)) * 50, compressed=True)
    f = mirror / "ds" / "file.gz"
    f.write_bytes(f.read_bytes()[:-20])
    with pytest.raises(DataError, match="file.gz"):
        do_fetch(tmp_path, mirror, sha)


def test_failed_download_without_mirror_lists_urls_and_the_mirror_setting(tmp_path):
    with pytest.raises(DataError) as err:
        do_fetch(tmp_path, None, "0" * 64, urls=["https://127.0.0.1:9/a/", "https://127.0.0.1:9/b/"])
    msg = str(err.value)
    assert "https://127.0.0.1:9/a/file.gz" in msg and "https://127.0.0.1:9/b/file.gz" in msg
    assert "GDLAB_DATA_MIRROR" in msg


def test_plain_http_is_refused(tmp_path):
    with pytest.raises(DataError, match="non-HTTPS"):
        do_fetch(tmp_path, None, "0" * 64, urls=["http://127.0.0.1:9/"])


def test_missing_file_in_mirror_is_named(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"x", compressed=False, name="other.csv")
    with pytest.raises(DataError, match=r"ds/file\.gz.*not found in the local mirror"):
        do_fetch(tmp_path, mirror, sha)


def idx(array: np.ndarray) -> bytes:
    return struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def test_parse_idx_round_trip_and_errors():
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(parse_idx(idx(a), "a"), a)
    with pytest.raises(DataError, match="promises 24 values"):
        parse_idx(idx(a)[:-1], "a")
    with pytest.raises(DataError, match="not an IDX"):
        parse_idx(b"<html>" + idx(a), "a")


def test_mnist_tensors_from_synthetic_archives(tmp_path):
    rng = np.random.default_rng(0)
    files = {}
    for prefix, n in (("train", 7), ("t10k", 3)):
        for kind, arr in (("images", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)),
                          ("labels", rng.integers(0, 10, n, dtype=np.uint8))):
            p = tmp_path / f"{prefix}-{kind}.gz"
            p.write_bytes(gzip.compress(idx(arr)))
            files[f"{prefix}-{kind}"] = p
    t = mnist_tensors(files)
    assert t["train_images"].shape == (7, 28, 28) and t["train_images"].dtype == torch.uint8
    assert t["test_labels"].dtype == torch.int64
    save_tensors(t, tmp_path / "m.pt")
    back = load_tensors(tmp_path / "m.pt")
    assert all(torch.equal(t[k], back[k]) for k in t)


def test_real_mnist_from_mirror(mirror, tmp_path):
    files = {p.name.split("-idx")[0]: p for p in (mirror / "mnist").glob("*.gz")}
    t = mnist_tensors(files)
    assert t["train_images"].shape == (60000, 28, 28) and t["test_images"].shape == (10000, 28, 28)
    assert torch.bincount(t["test_labels"]).tolist()[:2] == [980, 1135]


def test_linreg_generation_is_deterministic_and_seed_dependent():
    a = make_linreg(10, [1.0, 2.0], 0.0, 1.0, 0.1, seed=1)
    assert a.equals(make_linreg(10, [1.0, 2.0], 0.0, 1.0, 0.1, seed=1))
    assert not a.equals(make_linreg(10, [1.0, 2.0], 0.0, 1.0, 0.1, seed=2))
    assert list(a.columns) == ["x1", "y"]


@pytest.mark.parametrize("text, match", [
    ("", "not a readable CSV"),
    ("x1,z\n1,2\n3,4\n", r"expected columns \['x1', 'y'\]"),
    ("x1,y\n1,2\n3,abc\n", r"column 'y', data row 2: expected a finite number, found 'abc'"),
    ("x1,x2,y\n1,2,3\n", "at least 2 data rows"),
])
def test_user_csv_errors_name_file_and_place(tmp_path, text, match):
    p = tmp_path / "mine.csv"
    p.write_text(text)
    with pytest.raises(DataError, match=match) as err:
        read_linreg_csv(p)
    assert str(p) in str(err.value)
