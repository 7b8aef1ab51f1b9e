"""The numbers a document quotes, and whether a notebook's outputs (or its code, for a setting) hold each of them at
the precision quoted: the check that the hand-in's maths PDF quotes only what its notebooks print."""

from __future__ import annotations

import math
import re

SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
SPACE = "[ \u00a0\u202f\u2009]"
# Numbers in the Markdown prose: TeX powers of ten (3.1 \times 10^{-15}), plain text ones (3.1 × 10⁻¹⁵), and
# decimals or whole numbers, thousands set apart by a space (20 000).
NUMBER = re.compile(r"(?<![\w.^{])(\d{1,3}(?:" + SPACE + r"\d{3})+|\d+(?:\.\d+)?)"
                    r"(?:\s*(?:\\times|×)" + SPACE + r"*10(?:\^\{(-?\d+)\}|([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)))?(?![\w.])")
# Numbers that name something (a part, a figure, a section of the book) rather than quote a result.
NAMING = re.compile(r"(?:Exercises?|Figure|Fig\.|[Ss]ection|pp?\.|eq\.|Table|part|parts|Group|–|-)" + SPACE + r"*$")
OUTPUT_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def prose(markdown: str) -> str:
    """The Markdown without what is not a quoted result: display maths and the reasons of their steps
    (derivations), block quotes (the practical's questions), headings, figure lines and the front matter."""
    markdown = re.sub(r"(?s)^---\n.*?\n---\n", "", markdown)
    markdown = re.sub(r"(?s)\$\$.*?\$\$", " ", markdown)
    # Also the numbered reasons of a derivation's steps: mathematical facts (σ(−2) ≈ 0.119), not results of a run.
    lines = [l for l in markdown.splitlines()
             if not l.lstrip().startswith((">", "#", "![")) and not re.match(r"\(\d+\) ", l)]
    return "\n".join(lines)


def quoted_numbers(markdown: str, smallest_whole: int = 10) -> list[tuple[str, float, int]]:
    """(as written, value, significant digits) of each number the prose quotes: decimals, powers of ten, and whole
    numbers from ``smallest_whole`` on (smaller ones are counts and exponents of the maths)."""
    text = prose(markdown)
    found = []
    for m in NUMBER.finditer(text):
        if NAMING.search(text[max(0, m.start() - 12):m.start()]):
            continue
        digits = re.sub(SPACE, "", m.group(1))
        exp = m.group(2) or (m.group(3) or "").translate(SUPERSCRIPT)
        if exp:
            value = float(digits) * 10 ** int(exp)
        elif "." in digits or int(digits) >= smallest_whole:
            value = float(digits)
        else:
            continue
        sig = len(digits.replace(".", "").lstrip("0")) or 1
        found.append((m.group(0), value, sig if "." in digits or exp else 0))
    return found


def printed_numbers(texts: list[str]) -> list[float]:
    return [float(x) for t in texts for x in OUTPUT_NUMBER.findall(t)]


def matches(value: float, sig: int, printed: list[float]) -> bool:
    """Some printed number is ``value`` at the precision quoted (``sig`` significant digits; 0: a whole number),
    rounded to nearest or up (bounds), or as a share of 1 quoted in per cent."""
    def close(x: float) -> bool:
        if sig == 0:
            return x == value
        if x == 0 or value == 0:
            return x == value
        step = 10 ** (math.floor(math.log10(abs(value))) - sig + 1)
        return math.isclose(round(x / step) * step, value, rel_tol=1e-9) or \
            math.isclose(math.ceil(round(x / step, 9)) * step, value, rel_tol=1e-9)
    return any(close(abs(x)) or close(100 * abs(x)) for x in printed)


def unprinted(markdown: str, texts: list[str]) -> list[str]:
    """The numbers ``markdown`` quotes that no text of ``texts`` holds."""
    printed = printed_numbers(texts)
    return [shown for shown, value, sig in quoted_numbers(markdown) if not matches(value, sig, printed)]
