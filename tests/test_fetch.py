"""gdlab.fetch and gdlab.io: mirror and HTTPS fetch verified by content, errors that name the file and both hashes,
atomic writes that leave no partial file, JSON and arrays, logging."""

import gzip
import hashlib
import io
import json
import logging
import os
import re
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import yaml

from gdlab.fetch import content_bytes, fetch, verify
from gdlab.io import (
    DataError, atomic_path, load_arrays, read_json, save_arrays, setup_logging, write_json, write_text,
)

REPO = Path(__file__).resolve().parent.parent


def make_mirror(tmp_path: Path, payload: bytes, compressed: bool, name="file.gz"):
    folder = tmp_path / "mirror" / "ds"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(gzip.compress(payload, mtime=0) if compressed else payload)
    return tmp_path / "mirror", hashlib.sha256(payload).hexdigest()


def do_fetch(tmp_path, mirror, sha, compressed=True, name="file.gz", urls=("https://127.0.0.1:9/",)):
    out = tmp_path / "out" / name
    origin = fetch("ds", name, out, sha256=sha, compressed=compressed, urls=list(urls),
                   mirror=mirror and str(mirror), timeout_s=2)
    return out, origin


def leftovers(tmp_path):
    out = tmp_path / "out"
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


# --- fetch from the mirror ---------------------------------------------------------------------------------

def test_mirror_copy_verified_by_content_not_archive_bytes(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"hello mnist" * 100, compressed=True)
    # Re-compress with another level: archive bytes change, content hash does not.
    f = mirror / "ds" / "file.gz"
    f.write_bytes(gzip.compress(b"hello mnist" * 100, compresslevel=1, mtime=123))
    out, origin = do_fetch(tmp_path, mirror, sha)
    assert origin == str(f) and out.read_bytes() == f.read_bytes()
    assert content_bytes(out, True) == b"hello mnist" * 100
    assert leftovers(tmp_path) == ["file.gz"]  # no temporary file left beside it


def test_uncompressed_file_is_verified_as_is(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"a,b\n1,2\n", compressed=False, name="data.csv")
    out, _ = do_fetch(tmp_path, mirror, sha, compressed=False, name="data.csv")
    assert out.read_bytes() == b"a,b\n1,2\n"


def test_checksum_mismatch_names_file_and_both_hashes_and_leaves_nothing(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"good data", compressed=True)
    (mirror / "ds" / "file.gz").write_bytes(gzip.compress(b"gooD data"))  # one bit flipped in the content
    actual = hashlib.sha256(b"gooD data").hexdigest()
    with pytest.raises(DataError) as err:
        do_fetch(tmp_path, mirror, sha)
    msg = str(err.value)
    assert "ds/file.gz" in msg and f"expected SHA-256 {sha}" in msg and f"got {actual}" in msg
    assert "uncompressed" in msg
    assert leftovers(tmp_path) == []


def test_checksum_mismatch_keeps_an_older_verified_file(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"v1", compressed=False, name="d.csv")
    out, _ = do_fetch(tmp_path, mirror, sha, compressed=False, name="d.csv")
    (mirror / "ds" / "d.csv").write_bytes(b"v2, corrupt")
    with pytest.raises(DataError, match="checksum mismatch for ds/d.csv"):
        do_fetch(tmp_path, mirror, sha, compressed=False, name="d.csv")
    assert out.read_bytes() == b"v1" and leftovers(tmp_path) == ["d.csv"]


@pytest.mark.parametrize("page", [b"<!DOCTYPE html><html><body>429 Too Many Requests</body></html>",
                                  b"  \n<html><head><title>Sign in</title></head></html>"])
def test_html_error_page_instead_of_gzip_is_named(tmp_path, page):
    mirror, sha = make_mirror(tmp_path, b"x", compressed=True)
    (mirror / "ds" / "file.gz").write_bytes(page)
    with pytest.raises(DataError, match=r"expected a gzip archive but could not decompress it \(it looks like an HTML page"):
        do_fetch(tmp_path, mirror, sha)
    assert leftovers(tmp_path) == []


def test_undecompressable_archive_error_names_the_dataset_file_and_its_source(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"x", compressed=True)
    (mirror / "ds" / "file.gz").write_bytes(b"<!DOCTYPE html><html><body>429 Too Many Requests</body></html>")
    with pytest.raises(DataError) as err:
        do_fetch(tmp_path, mirror, sha)
    msg = str(err.value)
    assert "ds/file.gz" in msg and str(mirror / "ds" / "file.gz") in msg and ".part" not in msg


def test_truncated_archive_is_rejected_without_the_html_hint(tmp_path):
    mirror, sha = make_mirror(tmp_path, bytes(range(256)) * 50, compressed=True)
    f = mirror / "ds" / "file.gz"
    f.write_bytes(f.read_bytes()[:-20])
    with pytest.raises(DataError, match="expected a gzip archive but could not decompress it") as err:
        do_fetch(tmp_path, mirror, sha)
    assert "HTML" not in str(err.value)


def test_missing_file_in_mirror_names_the_setting(tmp_path):
    mirror, sha = make_mirror(tmp_path, b"x", compressed=False, name="other.csv")
    with pytest.raises(DataError, match=r"ds/file\.gz: not found in the local mirror .*GDLAB_DATA_MIRROR") as err:
        do_fetch(tmp_path, mirror, sha)
    assert str(mirror / "ds" / "file.gz") in str(err.value)
    assert leftovers(tmp_path) == []


def test_verify_uncompressed_mismatch(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"abc")
    verify(p, hashlib.sha256(b"abc").hexdigest(), False, "ds/f.csv")
    with pytest.raises(DataError, match=r"checksum mismatch for ds/f.csv: expected SHA-256 0{64}, got [0-9a-f]{64}") as e:
        verify(p, "0" * 64, False, "ds/f.csv")
    assert "(of the content)" in str(e.value)  # no "uncompressed" for a plain file; the caller's name says where from


DATASETS = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["data"]["datasets"]


def test_the_configured_datasets():
    assert sorted(DATASETS) == ["lausanne", "mnist", "spine"]
    assert len(DATASETS["mnist"]["files"]) == 4
    assert list(DATASETS["lausanne"]["files"]) == ["lausanne-appart.csv"]
    assert DATASETS["lausanne"]["files"]["lausanne-appart.csv"]["compressed"] is False
    for spec in DATASETS.values():
        assert spec["urls"] and all(u.startswith("https://") for u in spec["urls"])
        assert all(len(f["sha256"]) == 64 and int(f["sha256"], 16) >= 0 for f in spec["files"].values())
    # The course's repository at a fixed commit, not a branch that may move.
    assert all(re.search(r"/[0-9a-f]{40}/", u) for u in DATASETS["lausanne"]["urls"])


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_the_real_mirror_matches_the_configured_hashes(mirror, dataset):
    if not (mirror / dataset).is_dir():
        pytest.skip(f"the local mirror {mirror} has no {dataset}/")
    for name, spec in DATASETS[dataset]["files"].items():
        verify(mirror / dataset / name, spec["sha256"], spec["compressed"], f"{dataset}/{name}")


# --- fetch over HTTPS -------------------------------------------------------------------------------------

def test_failed_download_without_mirror_lists_urls_and_the_mirror_setting(tmp_path):
    with pytest.raises(DataError) as err:
        do_fetch(tmp_path, None, "0" * 64, urls=["https://127.0.0.1:9/a/", "https://127.0.0.1:9/b/file.gz"])
    msg = str(err.value)
    assert "ds/file.gz: every download failed" in msg
    assert "https://127.0.0.1:9/a/file.gz" in msg and "https://127.0.0.1:9/b/file.gz" in msg
    assert "file.gz/file.gz" not in msg  # a URL that already names the file is used as it is
    assert "GDLAB_DATA_MIRROR" in msg and leftovers(tmp_path) == []


def test_plain_http_is_refused(tmp_path):
    with pytest.raises(DataError, match="refusing to download over a non-HTTPS URL: http://127.0.0.1:9/file.gz"):
        do_fetch(tmp_path, None, "0" * 64, urls=["http://127.0.0.1:9/"])


class FakeServer:
    """urlopen for the tests: the first host fails, the second serves ``payload``; it records what was asked."""

    def __init__(self, payload: bytes):
        self.payload, self.requests = payload, []

    def __call__(self, req, timeout):
        self.requests.append((req.full_url, req.get_header("User-agent"), timeout))
        if "down.example" in req.full_url:
            raise urllib.error.URLError("connection refused")
        return io.BytesIO(self.payload)


def test_download_tries_each_url_and_verifies_the_content(tmp_path, monkeypatch):
    payload = b"\x00" * 1000
    server = FakeServer(gzip.compress(payload, mtime=0))
    monkeypatch.setattr("urllib.request.urlopen", server)
    sha = hashlib.sha256(payload).hexdigest()
    out, origin = do_fetch(tmp_path, None, sha, urls=["https://down.example/m/", "https://up.example/m"])
    assert origin == "https://up.example/m/file.gz" and content_bytes(out, True) == payload
    assert server.requests == [("https://down.example/m/file.gz", "gdlab", 2), ("https://up.example/m/file.gz", "gdlab", 2)]
    assert leftovers(tmp_path) == ["file.gz"]


def test_the_lausanne_csv_is_fetched_from_its_configured_url_and_verified(tmp_path, monkeypatch):
    """The configured entry as rule fetch passes it: the file's URL is the base URL and the file name."""
    spec = DATASETS["lausanne"]
    (name, file_spec), = spec["files"].items()
    good = b"living_area,nb_rooms,rent_price\n69,3.0,1810\n"

    def fetch_lausanne(payload, sha):
        server = FakeServer(payload)
        monkeypatch.setattr("urllib.request.urlopen", server)
        out = tmp_path / "out" / name
        origin = fetch("lausanne", name, out, sha256=sha, compressed=file_spec["compressed"], urls=spec["urls"],
                       mirror=None, timeout_s=2)
        return out, origin, server.requests

    url = spec["urls"][0].rstrip("/") + "/lausanne-appart.csv"
    out, origin, requests = fetch_lausanne(good, hashlib.sha256(good).hexdigest())
    assert origin == url and requests == [(url, "gdlab", 2)] and out.read_bytes() == good
    # The configured hash is that of the real file: other content is refused, naming the dataset's file.
    with pytest.raises(DataError, match=rf"checksum mismatch for lausanne/lausanne-appart.csv \(from {url}\): "
                                        rf"expected SHA-256 {file_spec['sha256']}"):
        fetch_lausanne(good, file_spec["sha256"])
    assert out.read_bytes() == good  # the earlier verified file survives


def test_downloaded_content_with_the_wrong_hash_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", FakeServer(gzip.compress(b"other", mtime=0)))
    with pytest.raises(DataError, match="checksum mismatch for ds/file.gz"):
        do_fetch(tmp_path, None, hashlib.sha256(b"expected").hexdigest(), urls=["https://up.example/"])
    assert leftovers(tmp_path) == []


# --- gdlab.io -----------------------------------------------------------------------------------------------

def test_atomic_path_moves_into_place_only_on_success(tmp_path):
    target = tmp_path / "sub" / "result.txt"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("new")
        assert not target.exists()  # nothing at the target until the block succeeds
    assert target.read_text() == "new"
    with pytest.raises(RuntimeError, match="crash"):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert target.read_text() == "new"  # the old complete file survives
    assert os.listdir(target.parent) == ["result.txt"]  # and no temporary file is left


def test_atomic_files_get_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


def test_write_json_is_sorted_strict_and_replaces_non_finite_numbers(tmp_path):
    p = tmp_path / "r.json"
    write_json(p, {"b": [1.0, float("nan")], "a": {"inf": float("inf"), "t": (1, 2)}})
    text = p.read_text()
    assert text.index('"a"') < text.index('"b"') and "NaN" not in text and "Infinity" not in text
    assert read_json(p) == {"a": {"inf": None, "t": [1, 2]}, "b": [1.0, None]}
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON token {c}"))


def test_write_json_that_fails_keeps_the_old_file(tmp_path):
    p = tmp_path / "r.json"
    write_json(p, {"v": 1})
    with pytest.raises(TypeError):
        write_json(p, {"v": object()})
    assert read_json(p) == {"v": 1} and os.listdir(tmp_path) == ["r.json"]


def test_arrays_round_trip_and_no_pickles(tmp_path):
    arrays = {"X": np.arange(6, dtype=np.float32).reshape(2, 3), "y": np.array([1, 2], dtype=np.int64),
              "mean": np.float64(0.5)}
    save_arrays(tmp_path / "a.npz", **arrays)
    back = load_arrays(tmp_path / "a.npz")
    assert sorted(back) == ["X", "mean", "y"]
    assert all(back[k].dtype == arrays[k].dtype and np.array_equal(back[k], arrays[k]) for k in arrays)
    save_arrays(tmp_path / "o.npz", obj=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        load_arrays(tmp_path / "o.npz")


@pytest.fixture
def gdlab_logger():
    """The package's logger, its handlers closed and removed afterwards (setup_logging attaches them globally)."""
    log = logging.getLogger("gdlab")
    yield log
    for h in log.handlers:
        h.close()
    log.handlers.clear()


def test_setup_logging_writes_the_log_file_and_does_not_stack_handlers(tmp_path, gdlab_logger):
    log = setup_logging(tmp_path / "logs" / "job.log")
    assert log is gdlab_logger
    log.info("first")
    first_file = next(h for h in log.handlers if isinstance(h, logging.FileHandler))
    first_file.close()  # see test_setup_logging_closes_the_handlers_it_replaces
    log = setup_logging(tmp_path / "logs" / "job.log")  # a second call replaces the handlers, truncates the file
    log.info("second")
    for h in log.handlers:
        h.flush()
    text = (tmp_path / "logs" / "job.log").read_text()
    assert "INFO second" in text and "first" not in text
    assert len(log.handlers) == 2 and log.level == logging.INFO
    for h in log.handlers:
        h.close()
    assert len(setup_logging(None).handlers) == 1  # no log file: stderr only


def test_setup_logging_closes_the_handlers_it_replaces(tmp_path, gdlab_logger):
    first_file = next(h for h in setup_logging(tmp_path / "a.log").handlers if isinstance(h, logging.FileHandler))
    setup_logging(tmp_path / "b.log")
    closed = first_file.stream is None or first_file.stream.closed
    first_file.close()
    assert closed


def test_an_array_folder_appears_whole_and_loads_memory_mapped(tmp_path):
    from gdlab.io import load_array_dir, save_array_dir

    folder = tmp_path / "arrays"
    save_array_dir(folder, a=np.arange(6.0).reshape(2, 3), b=np.array([1, 2]))
    loaded = load_array_dir(folder)
    assert sorted(loaded) == ["a", "b"] and isinstance(loaded["a"], np.memmap)
    np.testing.assert_array_equal(loaded["a"], np.arange(6.0).reshape(2, 3))
    loaded["a"][0, 0] = 99.0  # copy-on-write: the file is unchanged
    assert load_array_dir(folder)["a"][0, 0] == 0.0
    save_array_dir(folder, c=np.zeros(1))  # replaced whole, no leftovers
    assert sorted(load_array_dir(folder)) == ["c"] and [p.name for p in tmp_path.iterdir()] == ["arrays"]
