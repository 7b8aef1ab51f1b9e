"""gdlab.linreg_data: the generated data of Exercise 1, the user's CSV and its checks (file, line, column)."""

import numpy as np
import pytest

from gdlab.io import DataError
from gdlab.linreg_data import arrays, make_linreg, read_linreg_csv


def test_generation_is_deterministic_and_seed_dependent():
    a = make_linreg(10, [1.0, 2.0], 0.0, 1.0, 0.1, seed=1)
    assert a.equals(make_linreg(10, [1.0, 2.0], 0.0, 1.0, 0.1, seed=1))
    assert not a.equals(make_linreg(10, [1.0, 2.0], 0.0, 1.0, 0.1, seed=2))
    assert list(a.columns) == ["x1", "y"] and len(a) == 10
    assert list(make_linreg(5, [0.0, 1.0, 2.0, 3.0], 0.0, 1.0, 0.1, seed=1).columns) == ["x1", "x2", "x3", "y"]


def test_generation_follows_the_model():
    theta = [0.5, 2.0, -1.0]
    frame = make_linreg(20_000, theta, 3.0, 2.0, 0.25, seed=0)
    X, y = arrays(frame)
    assert X.mean() == pytest.approx(3.0, abs=0.03) and X.std() == pytest.approx(2.0, abs=0.03)
    X1 = np.column_stack([np.ones(len(X)), X])
    fitted = np.linalg.lstsq(X1, y, rcond=None)[0]
    np.testing.assert_allclose(fitted, theta, atol=0.02)
    assert np.std(y - X1 @ np.array(theta)) == pytest.approx(0.25, rel=0.03)
    exact = make_linreg(50, theta, 3.0, 2.0, 0.0, seed=0)  # no noise: y is exactly the line
    Xe, ye = arrays(exact)
    np.testing.assert_allclose(ye, theta[0] + Xe @ np.array(theta[1:]), rtol=1e-14)


def test_arrays_are_float64_features_and_target():
    X, y = arrays(make_linreg(7, [1.0, 2.0, 3.0], 0.0, 1.0, 0.1, seed=1))
    assert X.shape == (7, 2) and y.shape == (7,) and X.dtype == y.dtype == np.float64


def test_user_csv_round_trip(tmp_path):
    frame = make_linreg(12, [1.0, -2.0, 0.5], 1.0, 2.0, 0.1, seed=3)
    p = tmp_path / "mine.csv"
    frame.to_csv(p, index=False, float_format="%.17g")
    back = read_linreg_csv(p)
    assert list(back.columns) == ["x1", "x2", "y"]
    np.testing.assert_array_equal(back.to_numpy(), frame.to_numpy())
    p.write_text("x1,y\n1,2\n3,4\n")  # integers are read as floats
    X, y = arrays(read_linreg_csv(p))
    assert X.tolist() == [[1.0], [3.0]] and y.tolist() == [2.0, 4.0]


@pytest.mark.parametrize("text, match", [
    ("", "not a readable CSV"),
    ("x1,y\n1,2\n\"3,4\n", "not a readable CSV"),
    ("y\n1\n2\n", r"expected columns \['x1', 'y'\], found \['y'\]"),
    ("x1,z\n1,2\n3,4\n", r"expected columns \['x1', 'y'\], found \['x1', 'z'\]"),
    ("x2,x1,y\n1,2,3\n4,5,6\n", r"expected columns \['x1', 'x2', 'y'\], found \['x2', 'x1', 'y'\]"),
    ("x1,x2,y\n1,2,3\n", "expected at least 2 data rows, found 1"),
    ("x1,y\n", "expected at least 2 data rows, found 0"),
    ("x1,y\n1,2\n3,abc\n", r"line 3 \(data row 2\), column 'y': expected a finite number, found 'abc'"),
    ("x1,x2,y\n1,2,3\n4,,6\n7,8,9\n", r"line 3 \(data row 2\), column 'x2': expected a finite number, found "),  # an empty cell
    ("x1,y\n1,2\n3,4\ninf,5\n", r"line 4 \(data row 3\), column 'x1': expected a finite number, found "),
])
def test_user_csv_errors_name_file_and_place(tmp_path, text, match):
    p = tmp_path / "mine.csv"
    p.write_text(text)
    with pytest.raises(DataError, match=match) as err:
        read_linreg_csv(p)
    assert str(p) in str(err.value)


def test_user_csv_error_line_counts_blank_lines(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("x1,y\n1,2\n\n3,abc\n")  # 'abc' is on line 4 of the file
    with pytest.raises(DataError, match=r"line 4\b"):
        read_linreg_csv(p)
