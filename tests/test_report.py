"""Report helpers: number formatting and strict templates."""

import jinja2
import pytest

from gdlab.report import pct, render_markdown, sci, sig


def test_number_formats():
    assert sig(0.328219804, 5) == "0.32822"
    assert sig(float("nan")) == "n/a"
    assert sci(3.1e-15) == r"$3.1 \times 10^{-15}$"
    assert sci(0.25) == "$0.25$"
    assert sci(1361.4, 3) == "$1361$" and sci(0.16937, 3) == "$0.169$"
    assert pct(0.0123) == "1.23 %"


def test_missing_result_is_an_error_not_a_blank(tmp_path):
    t = tmp_path / "t.md.j2"
    t.write_text("value: {{ ex1.missing | sig }}\n")
    with pytest.raises(jinja2.UndefinedError):
        render_markdown(t, {"ex1": {}}, tmp_path / "out.md")
    assert not (tmp_path / "out.md").exists()


def test_claim_operators_all_have_sheet_text_that_typst_cannot_read_as_a_heading():
    from gdlab.claims import OPS
    from gdlab.report import OP_TEXT, claimop

    assert set(OP_TEXT) == set(OPS)
    assert all(not claimop(op).startswith("=") for op in OPS)
    with pytest.raises(ValueError, match="unknown claim operator"):
        claimop("~=")
