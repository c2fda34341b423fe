"""Golden workbook: the bundled October example, with September as `--previous`,
against a reviewed reference in tests/golden/, compared part by part.

Worksheets are compared as cell listings (shared strings resolved), everything
else as pretty-printed XML; the document dates in docProps/core.xml are masked.
On failure the message is a unified diff per part, short enough to read.

The reference must change whenever the workbook changes on purpose (the writer,
the checks, the examples).  Regenerate it, then open it (and its PDF) and look:

    CLUSTER_XL_REGOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.dom import minidom
from xml.etree import ElementTree

import pytest

from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report
from cluster_xl.consolidation.previous import compare_with_previous
from cluster_xl.writing.workbook import write_report

from helpers import EXAMPLES, EXAMPLES_SEPTEMBER

GOLDEN = Path(__file__).parent / "golden" / "consolidated_2026-10.xlsx"
VERSION = "golden"  # the tool's version is recorded in the book; a release must not break this test
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
DIFF_LINES = 40


def generate(plan, folder: Path) -> Path:
    september = build_report(plan, [EXAMPLES_SEPTEMBER], Period(2026, 9))
    previous = write_report(replace(september, tool_version=VERSION), folder / "consolidated_2026-09.xlsx")
    october = compare_with_previous(build_report(plan, [EXAMPLES], Period(2026, 10)), previous)
    return write_report(replace(october, tool_version=VERSION), folder / "consolidated_2026-10.xlsx")


def test_workbook_matches_the_golden_one(plan, tmp_path):
    fresh = generate(plan, tmp_path)
    if os.environ.get("CLUSTER_XL_REGOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(fresh.read_bytes())
        pytest.skip(f"{GOLDEN} rewritten: review it before committing")
    assert GOLDEN.exists(), "no golden workbook: run CLUSTER_XL_REGOLDEN=1 pytest tests/test_golden.py"
    want, got = parts(GOLDEN), parts(fresh)
    assert sorted(got) == sorted(want), "the workbook's parts differ"
    diffs = [diff(name, want[name], got[name]) for name in sorted(want) if want[name] != got[name]]
    assert not diffs, ("the workbook differs from tests/golden (if on purpose: CLUSTER_XL_REGOLDEN=1 "
                       "pytest tests/test_golden.py, then review):\n" + "\n".join(diffs))


def diff(name: str, want: list[str], got: list[str]) -> str:
    lines = list(difflib.unified_diff(want, got, f"golden/{name}", f"new/{name}", n=1, lineterm=""))
    more = f"\n… and {len(lines) - DIFF_LINES} more lines" if len(lines) > DIFF_LINES else ""
    return "\n".join(lines[:DIFF_LINES]) + more


# -- normalising -----------------------------------------------------------------


def parts(path: Path) -> dict[str, list[str]]:
    """Every part of the package as comparable lines."""
    with zipfile.ZipFile(path) as z:
        raw = {name: z.read(name) for name in z.namelist()}
    strings = _shared_strings(raw.get("xl/sharedStrings.xml"))
    names = _sheet_names(raw)
    out = {}
    for name, data in raw.items():
        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            out[f"{name} «{names.get(name, '?')}»"] = _sheet_lines(data, strings)
        elif name == "docProps/core.xml":
            text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", r"\1…", data.decode())
            out[name] = _pretty(text.encode())
        elif name.endswith((".xml", ".rels", ".vml")):
            out[name] = _pretty(data)
        else:
            out[name] = [f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"]
    return out


def _pretty(data: bytes) -> list[str]:
    try:
        pretty = minidom.parseString(data).toprettyxml(indent=" ")
        return [line for line in pretty.splitlines() if line.strip()]
    except Exception:  # noqa: BLE001 - VML is not always well-formed XML
        return data.decode("utf-8", "replace").replace("><", ">\n<").splitlines()


def _shared_strings(data: bytes | None) -> list[str]:
    if not data:
        return []
    root = ElementTree.fromstring(data)
    return ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root.findall("m:si", NS)]


def _sheet_names(raw: dict[str, bytes]) -> dict[str, str]:
    book = ElementTree.fromstring(raw["xl/workbook.xml"])
    rels = ElementTree.fromstring(raw["xl/_rels/workbook.xml.rels"])
    target = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return {target[s.get(rid)]: s.get("name") for s in book.iter(f"{{{NS['m']}}}sheet")}


def _sheet_lines(data: bytes, strings: list[str]) -> list[str]:
    """One line per row (its height) and per cell (style, type, value); the rest as XML."""
    root = ElementTree.fromstring(data)
    lines = []
    for child in root:
        tag = child.tag.split("}")[1]
        if tag != "sheetData":
            lines += _pretty(ElementTree.tostring(child))
            continue
        for row in child:
            lines.append(f"row {row.get('r')} ht={row.get('ht')}")
            for c in row:
                value = c.findtext("m:v", default="", namespaces=NS)
                if c.get("t") == "s":
                    value = repr(strings[int(value)])
                lines.append(f"  {c.get('r')} s={c.get('s')} {c.get('t') or 'n'}: {value}")
    return lines
