"""Edit workbooks the way a person does in LibreOffice Calc, many files in one session.

Run with a Python that has LibreOffice's `uno` module (usually /usr/bin/python3):

    python3 uno_batch.py jobs.json

jobs.json: {"soffice": "/usr/bin/soffice", "profile": "/tmp/…", "jobs": [
    {"src": "in.xlsx", "dst": "out.ods", "ops": [["set_string", "Титул", "B5", "окт. 2026"], …]}]}

One soffice process is started for the whole batch (a private profile, a pipe),
every file is opened hidden, edited through the spreadsheet API (insert
columns, merge, type text, …) and stored by the filter of `dst`'s extension —
that is, LibreOffice itself writes the file.  Nothing here knows cluster_xl.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import CellRangeAddress, CellAddress

FILTERS = {".xlsx": "Calc Office Open XML", ".ods": "calc8", ".xls": "MS Excel 97"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def connect(soffice, profile):
    pipe = "messy" + uuid.uuid4().hex[:10]
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={url(profile)}", "--headless", "--invisible", "--nologo",
         "--norestore", "--nodefault", "--nolockcheck",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - not up yet
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("soffice did not come up")
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return proc, desktop


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def split(cell):
    letters = "".join(ch for ch in cell if ch.isalpha())
    return col_index(letters), int(cell[len(letters):]) - 1


def apply(doc, op):
    kind, *args = op
    sheets = doc.Sheets
    if kind == "add_sheet":  # a sheet of one's own: name, position, then (A1, text) pairs
        sheets.insertNewByName(args[0], int(args[1]))
        sheet = sheets.getByName(args[0])
        for cell, text in args[2:]:
            sheet.getCellRangeByName(cell).setString(text)
        return
    if kind == "rename_sheet":
        sheets.getByName(args[0]).Name = args[1]
        return
    sheet = sheets.getByName(args[0])
    if sheet.isProtected():  # the template protects its sheets without a password
        sheet.unprotect("")
    if kind == "set_string":  # typed as text (an apostrophe first, or a text-formatted cell)
        sheet.getCellRangeByName(args[1]).setString(args[2])
    elif kind == "set_value":
        sheet.getCellRangeByName(args[1]).setValue(float(args[2]))
    elif kind == "set_formula":
        sheet.getCellRangeByName(args[1]).setFormula(args[2])
    elif kind == "number_format":  # e.g. "0%" or a date format, in the document's formats
        cell = sheet.getCellRangeByName(args[1])
        formats = doc.NumberFormats
        locale = uno.createUnoStruct("com.sun.star.lang.Locale")
        key = formats.queryKey(args[2], locale, False)
        if key == -1:
            key = formats.addNew(args[2], locale)
        cell.NumberFormat = key
    elif kind == "clear":
        sheet.getCellRangeByName(args[1]).setString("")
    elif kind == "insert_cols":  # before column letter args[1]
        sheet.Columns.insertByIndex(col_index(args[1]), int(args[2]))
    elif kind == "delete_cols":
        sheet.Columns.removeByIndex(col_index(args[1]), int(args[2]))
    elif kind == "insert_rows":  # before 1-based row args[1]
        sheet.Rows.insertByIndex(int(args[1]) - 1, int(args[2]))
    elif kind == "delete_rows":
        sheet.Rows.removeByIndex(int(args[1]) - 1, int(args[2]))
    elif kind == "hide_row":
        sheet.Rows.getByIndex(int(args[1]) - 1).IsVisible = False
    elif kind == "merge":
        sheet.getCellRangeByName(args[1]).merge(True)
    elif kind == "move_row":  # cut row args[1] and insert it before row args[2] (1-based)
        src, dst = int(args[1]) - 1, int(args[2]) - 1
        sheet.Rows.insertByIndex(dst, 1)
        if src >= dst:
            src += 1
        rng = CellRangeAddress()
        rng.Sheet = sheet.RangeAddress.Sheet
        rng.StartColumn, rng.EndColumn = 0, 200
        rng.StartRow = rng.EndRow = src
        to = CellAddress()
        to.Sheet, to.Column, to.Row = rng.Sheet, 0, dst
        sheet.moveRange(to, rng)
        sheet.Rows.removeByIndex(src, 1)
    else:
        raise ValueError(f"unknown op {kind}")


def main(jobs_file):
    spec = json.load(open(jobs_file, encoding="utf-8"))
    proc, desktop = connect(spec["soffice"], spec["profile"])
    failures = []
    try:
        for job in spec["jobs"]:
            try:
                doc = desktop.loadComponentFromURL(url(job["src"]), "_blank", 0, (prop("Hidden", True),))
                try:
                    for op in job.get("ops", []):
                        apply(doc, op)
                    if hasattr(doc, "calculateAll"):
                        doc.calculateAll()
                    ext = os.path.splitext(job["dst"])[1].lower()
                    doc.storeToURL(url(job["dst"]), (prop("FilterName", FILTERS[ext]), prop("Overwrite", True)))
                finally:
                    doc.close(True)
            except Exception as exc:  # noqa: BLE001 - report per file, go on
                failures.append((job["dst"], repr(exc)))
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops as soffice exits
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    for dst, why in failures:
        print(f"FAILED {dst}: {why}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
