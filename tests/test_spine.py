"""gdlab.spine: both CSV layouts, the errors, the rank deficiency, split and z-score (numpy only)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import data_mirror
from gdlab.spine import (
    KAGGLE_FEATURES, DataError, collinearity, read_spine_csv, stratified_split, zscore_apply, zscore_fit,
)

LABEL, CLASSES = "Class_att", ["Abnormal", "Normal"]
KAGGLE_COLS = [f"Col{j}" for j in range(1, 13)]
# The notes of Kaggle's file, irregular spacing included, in the first rows of its unnamed column.
KAGGLE_NOTES = ["Prediction is done by using binary classification.", ""] + [
    f"Attribute{j}{' ' * (1 + (j == 1))}= {name}{' ' * (1 + (j == 1))}(numeric) " for j, name in
    enumerate(KAGGLE_FEATURES, start=1)
]


def kaggle_text(named_csv: str) -> str:
    """The same data in Kaggle's original shape: Col1..Col12,Class_att, then an unnamed notes column."""
    header, *rows = named_csv.strip().splitlines()
    assert header.split(",") == KAGGLE_FEATURES + [LABEL]
    notes = KAGGLE_NOTES + [""] * len(rows)
    return "\n".join([",".join(KAGGLE_COLS + [LABEL]) + ","] + [f"{r},{n}" for r, n in zip(rows, notes)]) + "\n"


def small_named_csv(n: int = 4) -> str:
    rng = np.random.default_rng(0)
    rows = [",".join(f"{v:.6f}" for v in rng.normal(50, 10, 12)) + f",{CLASSES[i % 2]}" for i in range(n)]
    return "\n".join([",".join(KAGGLE_FEATURES + [LABEL])] + rows) + "\n"


def read(path, features=KAGGLE_FEATURES):
    return read_spine_csv(path, features, LABEL, CLASSES)


@pytest.fixture
def spine_csv():
    """The real spine CSV from the data mirror (skipped without it; no other data is needed)."""
    m = data_mirror()
    path = m / "spine" / "Dataset_spine.csv" if m else None
    if path is None or not path.is_file():
        pytest.skip("the spine data is not in the data mirror (set GDLAB_DATA_MIRROR)")
    return path


def test_module_does_not_import_torch():
    code = "import sys, gdlab.spine; assert 'torch' not in sys.modules, 'gdlab.spine pulled in torch'"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the two layouts ------------------------------------------------------------------------------

def test_both_layouts_of_the_mirror_give_identical_frames(spine_csv, tmp_path):
    named = spine_csv
    kaggle = tmp_path / "Dataset_spine.csv"
    kaggle.write_text(kaggle_text(named.read_text()))
    assert kaggle.read_text().splitlines()[4].endswith(",Attribute2 = pelvic_tilt (numeric) ")
    a, b = read(named), read(kaggle)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.columns) == KAGGLE_FEATURES + [LABEL] and a.shape == (310, 13)
    assert (a[KAGGLE_FEATURES].dtypes == float).all()
    assert a[LABEL].value_counts().to_dict() == {"Abnormal": 210, "Normal": 100}


def test_kaggle_layout_without_a_mirror(tmp_path):
    named, kaggle = tmp_path / "named.csv", tmp_path / "kaggle.csv"
    named.write_text(small_named_csv())
    kaggle.write_text(kaggle_text(named.read_text()))
    pd.testing.assert_frame_equal(read(named), read(kaggle), check_exact=True)
    # the caller's feature order, from either layout
    order = KAGGLE_FEATURES[::-1]
    pd.testing.assert_frame_equal(read(named, order), read(kaggle, order), check_exact=True)
    assert list(read(kaggle, order).columns) == order + [LABEL]


def test_named_layout_any_column_order_bom_blank_lines_and_spaces(tmp_path):
    p = tmp_path / "spine.csv"
    p.write_text("\ufeffClass_att, b ,a\n\n Normal ,2, 1\r\n,,\nAbnormal,4,3\n\n", encoding="utf-8")
    frame = read_spine_csv(p, ["a", "b"], LABEL, CLASSES)
    assert frame.to_dict("list") == {"a": [1.0, 3.0], "b": [2.0, 4.0], LABEL: ["Normal", "Abnormal"]}


# --- errors: file, line, column, what was expected ----------------------------------------------

@pytest.mark.parametrize("text, match", [
    ("", r"not a readable CSV \(no header line\); expected the columns \['a', 'b', 'Class_att'\] or Kaggle"),
    ("a,Class_att\n1,Normal\n", r"line 1: .*neither.* missing \['b'\], unexpected \[\]; \(b\) Kaggle's original "
                                r"Col1,Col2,.*Col12,Class_att,"),
    ("a,b,c,Class_att\n1,2,3,Normal\n", r"unexpected \['c'\]"),
    ("a,a,b,Class_att\n1,1,2,Normal\n", r"duplicated \['a'\]"),
    ("a,b,Class_att\n1,2,Normal\n1,x,Abnormal\n", r"line 3 \(data row 2\), column 'b': expected a number, found 'x'"),
    ("a,b,Class_att\n1,2,Normal\n\n1,inf,Normal\n",
     r"line 4 \(data row 2\), column 'b': expected a number, found 'inf'"),
    ("a,b,Class_att\n1,,Normal\n", r"line 2 \(data row 1\), column 'b': expected a number, found ''"),
    ("a,b,Class_att\n1,2,Normal\n1,2,Maybe\n",
     r"line 3 \(data row 2\), column 'Class_att': expected one of \['Abnormal', 'Normal'\], found 'Maybe'"),
    ("a,b,Class_att\n1,2,Normal\n1,2\n", r"line 3 \(data row 2\): expected 3 fields as in the header, found 2"),
    ("a,b,Class_att\n1,2,Normal,x\n", r"line 2 \(data row 1\): expected 3 fields as in the header, found 4"),
    ("a,b,Class_att\n", "no data rows"),
    ("a,b,Class_att\n\n", "no data rows"),
])
def test_errors_name_file_line_column_and_expectation(tmp_path, text, match):
    p = tmp_path / "spine.csv"
    p.write_text(text)
    with pytest.raises(DataError, match=match) as err:
        read_spine_csv(p, ["a", "b"], LABEL, CLASSES)
    assert str(p) in str(err.value)


def test_first_bad_cell_is_the_earliest_line(tmp_path):
    p = tmp_path / "spine.csv"
    p.write_text("a,b,Class_att\n1,2,Normal\n1,y,Normal\nx,2,Normal\n")
    with pytest.raises(DataError, match=r"line 3 .*column 'b'.*found 'y'"):
        read_spine_csv(p, ["a", "b"], LABEL, CLASSES)


def test_unreadable_bytes_and_missing_file(tmp_path):
    p = tmp_path / "spine.csv"
    p.write_bytes(b"\x1f\x8b\x08\x00\xff\xfe garbage")
    with pytest.raises(DataError, match="not a readable CSV") as err:
        read(p)
    assert str(p) in str(err.value)
    with pytest.raises(DataError, match="not a readable CSV"):
        read(tmp_path / "absent.csv")


def kaggle_lines(tmp_path):
    p = tmp_path / "kaggle.csv"
    p.write_text(kaggle_text(small_named_csv()))
    return p, p.read_text().splitlines()


def test_kaggle_errors_point_at_the_file_column(tmp_path):
    p, lines = kaggle_lines(tmp_path)
    cells = lines[3].split(",")
    cells[1] = "abc"
    p.write_text("\n".join(lines[:3] + [",".join(cells)] + lines[4:]) + "\n")
    with pytest.raises(DataError, match=r"line 4 \(data row 3\), column 'Col2' \(pelvic_tilt\): "
                                        r"expected a number, found 'abc'") as err:
        read(p)
    assert str(p) in str(err.value)


def test_kaggle_notes_may_hold_commas_but_rows_need_thirteen_fields(tmp_path):
    p, lines = kaggle_lines(tmp_path)
    p.write_text("\n".join(lines[:2] + [lines[2] + ", with a comma"] + lines[3:]) + "\n")
    assert len(read(p)) == 4
    p.write_text("\n".join(lines[:2] + [lines[2].split(",", 2)[2]] + lines[3:]) + "\n")
    with pytest.raises(DataError, match=r"line 3 \(data row 2\): expected at least 13 fields"):
        read(p)


def test_kaggle_layout_is_as_strict_about_features_as_the_named_one(tmp_path):
    p, _ = kaggle_lines(tmp_path)
    with pytest.raises(DataError, match=r"line 1: Kaggle's layout holds the features .* as Col1..Col12, expected "
                                        r".*missing \['height'\], unexpected \['pelvic_incidence'\]") as err:
        read(p, KAGGLE_FEATURES[1:] + ["height"])
    assert str(p) in str(err.value)


def test_a_kaggle_like_header_that_is_off_names_both_layouts(tmp_path):
    p, lines = kaggle_lines(tmp_path)
    p.write_text("\n".join([lines[0].replace("Col12", "Col13")] + lines[1:]) + "\n")
    with pytest.raises(DataError, match=r"line 1: the header fits neither accepted layout: \(a\) the columns "
                                        r".*missing \['pelvic_incidence'.*\(b\) Kaggle's original Col1,") as err:
        read(p)
    assert str(p) in str(err.value)


# --- rank deficiency -----------------------------------------------------------------------------

def test_full_rank_reports_no_dependency():
    X = np.random.default_rng(0).normal(size=(200, 5)) * [1, 1e6, 1e-6, 3, 50] + [0, 1e3, 0, -7, 1e4]
    out = collinearity(X, list("abcde"))
    assert out["n_columns"] == 6 and out["rank"] == 6 and out["dependencies"] == []
    assert out["singular_value_ratio"] > 1e-3


@pytest.mark.parametrize("scale", [1.0, 1e5])
def test_a_planted_dependency_is_reported_exactly(scale):
    rng = np.random.default_rng(1)
    a, b, e = rng.normal(size=(3, 100)) * scale
    c = 2 * a - b + 3
    out = collinearity(np.column_stack([c, a, e, b]), ["c", "a", "e", "b"])
    assert out["rank"] == 4 and out["n_columns"] == 5 and out["singular_value_ratio"] < 1e-12
    [dep] = out["dependencies"]
    assert dep["target"] == "c" and dep["equals"].keys() == {"a", "b"}
    assert dep["equals"]["a"] == pytest.approx(2, rel=1e-12) and dep["equals"]["b"] == pytest.approx(-1, rel=1e-12)
    assert dep["constant"] == pytest.approx(3, rel=1e-9)
    assert dep["max_abs_residual"] < 1e-10 * scale


def test_target_is_the_first_involved_feature_in_names_order():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2, 50))
    [dep] = collinearity(np.column_stack([a, b, 2 * a - b + 3]), ["a", "b", "c"])["dependencies"]
    assert dep["target"] == "a"
    assert dep["equals"] == pytest.approx({"b": 0.5, "c": 0.5}, rel=1e-12)
    assert dep["constant"] == pytest.approx(-1.5, rel=1e-12)


def test_two_planted_dependencies_the_rank_counts_both_the_flattest_is_spelled_out():
    rng = np.random.default_rng(3)
    a, b, d, f = rng.normal(size=(4, 80))
    c, e = 2 * a - b + 3, a + d - 1
    X = np.column_stack([c, e, a, b, d, f])
    out = collinearity(X, list("ceabdf"))
    assert out["n_columns"] == 7 and out["rank"] == 7 - 2 == np.linalg.matrix_rank(np.column_stack([np.ones(80), X]))
    [dep] = out["dependencies"]
    # Whatever combination of the two the flattest direction is, it holds on the data.
    assert dep["max_abs_residual"] < 1e-10


def test_a_constant_column_is_a_dependency_on_the_intercept():
    X = np.random.default_rng(4).normal(size=(30, 3))
    X[:, 1] = 5.0
    out = collinearity(X, ["a", "k", "b"])
    assert out["rank"] == 3
    [dep] = out["dependencies"]
    assert dep["target"] == "k" and dep["equals"] == {} and dep["constant"] == pytest.approx(5.0, rel=1e-14)
    assert dep["max_abs_residual"] < 1e-13


def test_fewer_rows_than_columns_is_rank_deficient():
    out = collinearity(np.random.default_rng(5).normal(size=(3, 4)), list("abcd"))
    assert out["rank"] == 3 and len(out["dependencies"]) == 1 and out["singular_value_ratio"] == 0.0
    assert out["dependencies"][0]["max_abs_residual"] < 1e-12


def test_collinearity_rejects_a_names_mismatch():
    with pytest.raises(ValueError, match="expected"):
        collinearity(np.zeros((4, 3)), ["a", "b"])


def test_spine_pelvic_incidence_is_tilt_plus_slope(spine_csv):
    frame = read(spine_csv)
    out = collinearity(frame[KAGGLE_FEATURES].to_numpy(), KAGGLE_FEATURES)
    assert out["n_columns"] == 13 and out["rank"] == 12 and out["singular_value_ratio"] < 1e-8
    [dep] = out["dependencies"]
    assert dep["target"] == "pelvic_incidence" and dep["equals"].keys() == {"pelvic_tilt", "sacral_slope"}
    assert dep["equals"]["pelvic_tilt"] == pytest.approx(1, abs=1e-8)
    assert dep["equals"]["sacral_slope"] == pytest.approx(1, abs=1e-8)
    assert abs(dep["constant"]) < 1e-6 and dep["max_abs_residual"] < 1e-7


# --- split and standardisation -------------------------------------------------------------------

def test_stratified_split_proportions_determinism_and_coverage():
    labels = np.array(["Abnormal"] * 210 + ["Normal"] * 100)
    np.random.default_rng(9).shuffle(labels)
    train, test = stratified_split(labels, 0.25, seed=1)
    assert train.dtype.kind == "i" and np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert not set(train) & set(test) and sorted(set(train) | set(test)) == list(range(310))
    # 25 % of 310 is 77.5: 78 held out, 52.5 and 25 of them by class, rounded to one side each
    assert len(test) == 78 and abs((labels[test] == "Abnormal").sum() - 52.5) < 1 and abs((labels[test] == "Normal").sum() - 25) < 1
    again = stratified_split(labels, 0.25, seed=1)
    assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
    assert not np.array_equal(test, stratified_split(labels, 0.25, seed=2)[1])


def test_stratified_split_keeps_each_class_proportion():
    labels = np.repeat([0, 1, 2], [40, 120, 240])
    _, test = stratified_split(labels, 0.1, seed=0)
    assert np.bincount(labels[test]).tolist() == [4, 12, 24]


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_stratified_split_refuses_a_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        stratified_split(np.array([0, 1, 0, 1]), fraction, seed=0)


def test_zscore_from_training_rows_only():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(100, 3)) * [1, 100, 0.01] + [5, -300, 2]
    train, test = X[:75], X[75:]
    mean, std = zscore_fit(train)
    z = zscore_apply(train, mean, std)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(zscore_apply(test, mean, std), (test - train.mean(0)) / train.std(0))


def test_zscore_refuses_a_constant_column_by_index_and_name():
    X = np.column_stack([np.arange(5.0), np.full(5, 0.1), np.ones(5)])
    with pytest.raises(ValueError, match=r"constant feature column\(s\) \[1, 2\] \['k', 'one'\]"):
        zscore_fit(X, ["a", "k", "one"])
    with pytest.raises(ValueError, match=r"constant feature column\(s\) \[1, 2\] on the training rows"):
        zscore_fit(X)
