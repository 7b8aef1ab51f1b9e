"""gdlab.mnist: IDX parsing and its errors, the four archives, the seeded split and the standardisation."""

import gzip
import struct

import numpy as np
import pytest

from gdlab.io import DataError
from gdlab.mnist import parse_idx, prepare, read_mnist


def idx(array: np.ndarray, code: int = 0x08) -> bytes:
    return struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def test_parse_idx_round_trip():
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    back = parse_idx(idx(a), "a")
    assert back.dtype == np.uint8 and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, a)
    np.testing.assert_array_equal(parse_idx(idx(np.array([7, 0, 9], np.uint8)), "labels"), [7, 0, 9])


@pytest.mark.parametrize("data, match", [
    (b"\x00\x00", r"train-images: too short for an IDX file \(2 bytes\)"),
    (b"<html>" + idx(np.zeros((2, 2), np.uint8)), r"train-images: not an IDX file of unsigned bytes \(magic 3c68746d\)"),
    (idx(np.zeros((2, 2), np.float32), code=0x0D), r"not an IDX file of unsigned bytes \(magic 00000d02\)"),
    (idx(np.zeros((2, 3, 4), np.uint8))[:-1], r"train-images: IDX header promises 24 values \(2, 3, 4\), found 23"),
    (idx(np.zeros((2, 3), np.uint8)) + b"\x00", r"promises 6 values \(2, 3\), found 7"),
])
def test_parse_idx_errors_name_the_file(data, match):
    with pytest.raises(DataError, match=match):
        parse_idx(data, "train-images")


def write_archives(tmp_path, n_train=7, n_test=3, labels=None, seed=0):
    rng = np.random.default_rng(seed)
    files = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        arrays = {"images": rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                  "labels": rng.integers(0, 10, n, dtype=np.uint8) if labels is None else labels[prefix]}
        for kind, arr in arrays.items():
            p = tmp_path / f"{prefix}-{kind}-idx.gz"
            p.write_bytes(gzip.compress(idx(arr), mtime=0))
            files[f"{prefix}-{kind}"] = p
    return files


def test_read_mnist_from_synthetic_archives(tmp_path):
    files = write_archives(tmp_path)
    t = read_mnist(files)
    assert sorted(t) == ["test_images", "test_labels", "train_images", "train_labels"]
    assert t["train_images"].shape == (7, 28, 28) and t["train_images"].dtype == np.uint8
    assert t["test_labels"].shape == (3,) and t["test_labels"].dtype == np.int64
    raw = gzip.decompress(files["train-images"].read_bytes())
    np.testing.assert_array_equal(t["train_images"].ravel(), np.frombuffer(raw[16:], np.uint8))


def test_read_mnist_rejects_mismatched_counts_and_bad_labels(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    short = write_archives(tmp_path / "a", labels={"train": np.zeros(6, np.uint8), "t10k": np.zeros(3, np.uint8)})
    with pytest.raises(DataError, match=r"MNIST train: images \(7, 28, 28\) do not match labels \(6,\)"):
        read_mnist(short)
    bad = write_archives(tmp_path / "b", labels={"train": np.zeros(7, np.uint8), "t10k": np.array([0, 10, 3], np.uint8)})
    with pytest.raises(DataError, match="MNIST test: label 10 outside 0..9"):
        read_mnist(bad)


def test_read_mnist_names_an_archive_that_is_not_gzip(tmp_path):
    files = write_archives(tmp_path)
    files["t10k-labels"].write_bytes(b"<!DOCTYPE html><html>Not Found</html>")
    with pytest.raises(DataError, match=r"t10k-labels-idx\.gz: expected a gzip archive.*HTML page"):
        read_mnist(files)


def synthetic_raw(n_train=120, n_test=30):
    rng = np.random.default_rng(0)
    return {"train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            "train_labels": rng.integers(0, 10, n_train).astype(np.int64),
            "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "test_labels": rng.integers(0, 10, n_test).astype(np.int64)}


def test_prepare_splits_seeded_and_disjoint():
    raw = synthetic_raw()
    d = prepare(raw, val_size=20, seed=1)
    assert d["X_train"].shape == (100, 784) and d["X_val"].shape == (20, 784) and d["X_test"].shape == (30, 784)
    assert all(d[k].dtype == np.float32 for k in ("X_train", "X_val", "X_test"))
    train_idx = d["train_index"]
    assert np.all(np.diff(train_idx) > 0) and len(train_idx) == 100
    val_idx = np.setdiff1d(np.arange(120), train_idx)
    np.testing.assert_array_equal(d["y_train"], raw["train_labels"][train_idx])
    np.testing.assert_array_equal(d["y_val"], raw["train_labels"][val_idx])
    np.testing.assert_array_equal(d["y_test"], raw["test_labels"])
    again = prepare(raw, val_size=20, seed=1)
    assert all(np.array_equal(d[k], again[k]) for k in d)
    other = prepare(raw, val_size=20, seed=2)
    assert not np.array_equal(d["train_index"], other["train_index"])


def test_prepare_standardises_every_part_with_the_training_statistics():
    raw = synthetic_raw()
    raw["train_images"][:60] //= 4  # make the parts differ, so the statistics a part would give itself differ
    d = prepare(raw, val_size=20, seed=1)
    train = raw["train_images"][d["train_index"]].reshape(100, -1) / 255
    assert float(d["mean"]) == pytest.approx(train.mean(), rel=1e-6)  # pixels are scaled in float32
    assert float(d["std"]) == pytest.approx(train.std(), rel=1e-6)
    assert abs(float(d["X_train"].mean())) < 1e-5 and float(d["X_train"].std()) == pytest.approx(1, abs=1e-4)
    expected_test = (raw["test_images"].reshape(30, -1) / 255 - d["mean"]) / d["std"]
    np.testing.assert_allclose(d["X_test"], expected_test, rtol=1e-5, atol=1e-5)
    val_idx = np.setdiff1d(np.arange(120), d["train_index"])
    expected_val = (raw["train_images"][val_idx].reshape(20, -1) / 255 - d["mean"]) / d["std"]
    np.testing.assert_allclose(d["X_val"], expected_val, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("val_size", [0, -1, 120, 500])
def test_prepare_rejects_a_validation_size_out_of_range(val_size):
    with pytest.raises(ValueError, match=rf"ex3.val_size must be between 1 and 119, got {val_size}"):
        prepare(synthetic_raw(), val_size=val_size, seed=1)


def test_real_mnist_from_mirror(mirror):
    files = {p.name.split("-idx")[0]: p for p in (mirror / "mnist").glob("*.gz")}
    t = read_mnist(files)
    assert t["train_images"].shape == (60000, 28, 28) and t["test_images"].shape == (10000, 28, 28)
    assert np.bincount(t["test_labels"]).tolist()[:2] == [980, 1135]
    assert np.bincount(t["train_labels"]).sum() == 60000 and t["train_labels"].max() == 9
