"""One catalogue of issue codes (core/codes.py): every code the package writes is in it,
each issue's level is the catalogue's, and the README's tables are the catalogue."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

import cluster_xl
from cluster_xl.core.codes import CATALOGUE, CODES, GROUP_TITLES, markdown_table
from cluster_xl.core.issues import Severity, error, issue, warning

PACKAGE = Path(cluster_xl.__file__).parent
README = PACKAGE.parent / "README.md"
KEBAB = re.compile(r"^[a-z]+(?:-[a-z]+)+$")
# Kebab-case strings in the package that are not issue codes: XML names the guard
# reads in .ods files, the tool's own name.
NOT_CODES = {"table-cell", "covered-table-cell", "table-row", "number-rows-repeated",
             "number-columns-repeated", "columns-repeated", "value-type", "cluster-xl"}


def strings() -> dict[str, str]:
    """Every string constant of the package outside the catalogue -> a module it is in."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value, str(path.relative_to(PACKAGE)))
    return found


def kebab_strings() -> dict[str, str]:
    return {s: where for s, where in strings().items() if KEBAB.match(s)}


def test_every_code_in_the_package_is_in_the_catalogue():
    unknown = {s: where for s, where in kebab_strings().items() if s not in CATALOGUE and s not in NOT_CODES}
    assert unknown == {}


def test_every_catalogue_code_is_used_somewhere():
    used = strings()
    assert [c.code for c in CODES if c.code not in used] == []


def test_each_code_is_listed_once():
    assert len(CATALOGUE) == len(CODES)


def test_issues_take_their_level_from_the_catalogue():
    assert issue("negative-number", "…").severity is Severity.ERROR
    assert issue("renamed-sheet", "…").severity is Severity.WARNING
    with pytest.raises(ValueError):
        warning("negative-number", "…")  # an error in the catalogue
    with pytest.raises(ValueError):
        issue("ratio-violated", "…")  # its level is the data's: it must be given
    assert error("ratio-violated", "…").is_error
    with pytest.raises(KeyError):
        issue("no-such-code", "…")


def regenerate_readme() -> None:
    """CLUSTER_XL_REGENERATE=1 pytest tests/test_codes.py: the README's tables rewritten."""
    text = README.read_text(encoding="utf-8")
    for group in GROUP_TITLES:
        begin, end = f"<!-- codes:{group} -->", f"<!-- /codes:{group} -->"
        head, rest = text.split(begin, 1)
        text = head + begin + "\n" + markdown_table(group) + "\n" + end + rest.split(end, 1)[1]
    README.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("group", sorted(GROUP_TITLES))
def test_the_readme_table_is_the_catalogue(group):
    if os.environ.get("CLUSTER_XL_REGENERATE") == "1":
        regenerate_readme()
    """The README holds each group's
    table between markers; the text between them must be what the catalogue gives."""
    text = README.read_text(encoding="utf-8")
    begin, end = f"<!-- codes:{group} -->", f"<!-- /codes:{group} -->"
    assert begin in text and end in text
    table = text.split(begin, 1)[1].split(end, 1)[0].strip()
    assert table == markdown_table(group)
