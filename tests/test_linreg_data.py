"""gdlab.linreg_data: the week-1 rents file, read and checked — every error names the file, and the line and column
where there is one — and the course's standardisation."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import data_mirror
from gdlab.io import DataError
from gdlab.linreg_data import read_rents, standardise

HEADER = "living_area,nb_rooms,rent_price\n"


def write(tmp_path, text, name="lausanne-appart.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def read(path):
    return read_rents(path, "living_area", "rent_price")


def test_module_does_not_import_torch():
    code = "import sys, gdlab.linreg_data; assert 'torch' not in sys.modules, 'gdlab.linreg_data pulled in torch'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_standardise_uses_the_population_standard_deviation():
    v = np.array([1.0, 2.0, 4.0, 9.0])
    z = standardise(v)
    np.testing.assert_allclose(z, (v - 4.0) / np.sqrt(((v - 4.0) ** 2).mean()), rtol=1e-15)
    assert abs(z.mean()) < 1e-15 and z.std() == pytest.approx(1.0, rel=1e-15)


def test_read_rents_returns_every_column_as_pandas_reads_it(tmp_path):
    p = write(tmp_path, HEADER + "69,3,1810\n95,3.5,2945\n21,1.5,685\n")
    frame = read(p)
    pd.testing.assert_frame_equal(frame, pd.read_csv(p))
    assert frame["living_area"].tolist() == [69, 95, 21] and frame["nb_rooms"].tolist() == [3.0, 3.5, 1.5]
    # Columns in another order, and extra columns, are fine: only the two named ones are checked.
    q = write(tmp_path, "rent_price,notes,living_area\n1810,quiet,69\n2945,,95\n", "other.csv")
    assert read(q)["rent_price"].tolist() == [1810, 2945]


@pytest.mark.parametrize("text, match", [
    ("", "not a readable CSV"),
    ("living_area,nb_rooms\n69,3\n95,3.5\n",
     r"expected the columns \['living_area', 'rent_price'\], missing \['rent_price'\] "
     r"\(found \['living_area', 'nb_rooms'\]\)"),
    ("area,rent\n1,2\n3,4\n", r"missing \['living_area', 'rent_price'\]"),
    (HEADER + "69,3,1810\n", "expected at least 2 data rows, found 1"),
    (HEADER, "expected at least 2 data rows, found 0"),
    (HEADER + "69,3,1810\n95,3.5,cheap\n",
     r"line 3 \(data row 2\), column 'rent_price': expected a finite number, found 'cheap'"),
    (HEADER + "69,3,1810\nsmall,3.5,2945\n21,1,685\n",
     r"line 3 \(data row 2\), column 'living_area': expected a finite number, found 'small'"),
    (HEADER + "69,3,1810\n,3.5,2945\n",
     r"line 3 \(data row 2\), column 'living_area': expected a finite number, found ''"),  # an empty cell
    (HEADER + "69,3,1810\n95,3.5,2945\ninf,1,685\n",
     r"line 4 \(data row 3\), column 'living_area': expected a finite number, found "),
    (HEADER + "69,3,1810\n69,3.5,2945\n69,1,685\n",
     r"column 'living_area' is constant: it cannot be standardised"),
])
def test_errors_name_the_file_and_the_place(tmp_path, text, match):
    p = write(tmp_path, text)
    with pytest.raises(DataError, match=match) as err:
        read(p)
    assert str(p) in str(err.value)


@pytest.mark.parametrize("cell", ["", "inf"])
def test_an_empty_or_infinite_cell_is_reported_in_plain_words(tmp_path, cell):
    p = write(tmp_path, HEADER + f"69,3,1810\n{cell},3.5,2945\n")
    with pytest.raises(DataError, match=r"line 3 \(data row 2\), column 'living_area'") as err:
        read(p)
    assert "np." not in str(err.value)


def test_the_first_bad_cell_is_reported_feature_column_first(tmp_path):
    p = write(tmp_path, HEADER + "69,3,1810\n95,3.5,x\nbig,1,685\n")
    with pytest.raises(DataError, match=r"line 4 \(data row 3\), column 'living_area'.*found 'big'"):
        read(p)


def test_the_line_counts_blank_lines_as_an_editor_does(tmp_path):
    p = write(tmp_path, "\n" + HEADER + "69,3,1810\n\n\n95,3.5,abc\n")  # 'abc' is on line 6 of the file
    with pytest.raises(DataError, match=r"line 6 \(data row 2\), column 'rent_price'"):
        read(p)


def test_the_reader_refuses_a_constant_feature_or_target(tmp_path):
    """Both are standardised: a constant column would be 0/0."""
    with pytest.raises(DataError, match="'rent_price' is constant"):
        read(write(tmp_path, HEADER + "69,3,1000\n95,3.5,1000\n"))
    with pytest.raises(DataError, match="'living_area' is constant"):
        read(write(tmp_path, HEADER + "69,3,1000\n69,3.5,1200\n"))
    assert len(read(write(tmp_path, HEADER + "69,3,1000\n95,3.5,1200\n"))) == 2


def test_a_missing_file_is_named(tmp_path):
    p = tmp_path / "nowhere" / "lausanne-appart.csv"
    with pytest.raises(DataError, match="no such file") as err:
        read(p)
    assert str(p) in str(err.value)


def test_undecodable_bytes_are_not_a_readable_csv(tmp_path):
    p = tmp_path / "lausanne-appart.csv"
    p.write_bytes(b"\x1f\x8b\x08\x00\xff\xfe\xfa garbage")
    with pytest.raises(DataError, match="not a readable CSV") as err:
        read(p)
    assert str(p) in str(err.value)


def test_the_week1_data_from_the_mirror():
    m = data_mirror()
    path = m / "lausanne" / "lausanne-appart.csv" if m else None
    if path is None or not path.is_file():
        pytest.skip("the week-1 data lausanne-appart.csv is not in the data mirror")
    frame = read(path)
    assert list(frame.columns) == ["living_area", "nb_rooms", "rent_price"] and len(frame) == 201
    assert np.isfinite(frame[["living_area", "rent_price"]].to_numpy(dtype=float)).all()
    assert (frame["living_area"] > 0).all() and (frame["rent_price"] > 0).all()
    assert np.corrcoef(frame["living_area"], frame["rent_price"])[0, 1] > 0.5  # larger flats cost more
