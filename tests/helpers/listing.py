"""A workbook as text: every part of the package as lines, one line a row and a cell.

Worksheets become cell listings (shared strings resolved: address, style index,
type, value; each row with its height); every other XML part (styles, print
settings in the sheets' page setup, charts, drawings) pretty-printed; the
document dates in docProps/core.xml masked.  `listing` joins them into the text
committed beside the golden workbook, so a review of a golden change reads as a
text diff.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from xml.dom import minidom
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def listing(path: Path) -> str:
    return "".join(f"== {name}\n" + "".join(line + "\n" for line in lines)
                   for name, lines in sorted(parts(path).items()))


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
            lines += _element_lines(child)
            continue
        for row in child:
            lines.append(f"row {row.get('r')} ht={row.get('ht')}")
            for c in row:
                value = c.findtext("m:v", default="", namespaces=NS)
                if c.get("t") == "s":
                    value = repr(strings[int(value)])
                lines.append(f"  {c.get('r')} s={c.get('s')} {c.get('t') or 'n'}: {value}")
    return lines


def _local(name: str) -> str:
    return name.split("}", 1)[-1]


def _element_lines(elem, depth: int = 0) -> list[str]:
    """An element as lines, local names only: the same text whatever prefixes a parser
    has registered (ElementTree's prefixes are process-wide)."""
    attrs = " ".join(f'{_local(k)}="{v}"' for k, v in sorted(elem.attrib.items()))
    text = (elem.text or "").strip()
    lines = ["  " * depth + f"<{_local(elem.tag)}{' ' + attrs if attrs else ''}>{text}"]
    for child in elem:
        lines += _element_lines(child, depth + 1)
    return lines
