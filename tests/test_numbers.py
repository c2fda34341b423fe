from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from cluster_xl.core.numbers import parse_number


@pytest.mark.parametrize(
    "cell, value",
    [
        ("1 160", 1160),
        ("1\u00a0160", 1160),
        ("1\u202f160", 1160),
        ("87,5", 87.5),
        ("10 000,50", 10000.5),
        ("47 ", 47),
        ("1 160 000", 1160000),
        (12, 12),
        (12.5, 12.5),
        ("-3", -3),
        ("\u22123", -3),  # the minus sign office suites substitute
        ("87,5 %", 87.5),
    ],
)
def test_numbers_as_people_type_them(cell, value):
    parsed = parse_number(cell)
    assert parsed.kind == "number"
    assert parsed.value == value


@pytest.mark.parametrize("cell", ["-", "—", "–"])
def test_dash_means_no_value(cell):
    parsed = parse_number(cell)
    assert parsed.kind == "none"
    assert parsed.value is None


@pytest.mark.parametrize("cell", ["", "   ", None])
def test_empty_cell_is_not_filled_in(cell):
    assert parse_number(cell).kind == "empty"


@pytest.mark.parametrize("cell", ["abc", "1,2,3", "1.160.000", "12 3456", "1 16", True, "nan"])
def test_text_keeps_what_was_typed(cell):
    parsed = parse_number(cell)
    assert parsed.kind == "text"
    assert parsed.value is None
    assert parsed.raw == str(cell)


def test_raw_of_a_whole_float_has_no_trailing_zero():
    assert parse_number(1160.0).raw == "1160"


_SEPARATORS = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009"])


def _russian(units: int, cents: int | None, separator: str) -> str:
    """1234567, 5 -> "1 234 567,05" with the given separator."""
    digits = str(units)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = separator.join(groups)
    return text if cents is None else f"{text},{cents:02d}"


@given(
    units=st.integers(min_value=0, max_value=10**12),
    cents=st.none() | st.integers(min_value=0, max_value=99),
    separator=_SEPARATORS,
    negative=st.booleans(),
)
def test_formatted_number_parses_back(units, cents, separator, negative):
    text = ("-" if negative else "") + _russian(units, cents, separator)
    expected = Decimal(units) + (Decimal(cents) / 100 if cents is not None else 0)
    parsed = parse_number(text)
    assert parsed.kind == "number"
    assert parsed.value == float(-expected if negative else expected)
