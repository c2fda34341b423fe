"""The examples survive LibreOffice: .ods, .xls and back to .xlsx, same totals."""

import shutil
import subprocess

import pandas as pd
import pytest

from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report

from helpers import EXAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def convert(files, fmt, outdir, profile):
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=300)
    return sorted(outdir.iterdir())


def totals(plan, folder):
    report = build_report(plan, [folder], Period(2026, 10))
    assert {o.status for o in report.files} == {"accepted"}, [
        (o.file, [i.message for i in o.issues]) for o in report.files]
    return report.consolidation.totals[["code", "year", "target", "colleges_target", "fact"]]


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_examples_round_trip_through_libreoffice(plan, tmp_path, fmt):
    profile = tmp_path / "profile"
    converted = convert(sorted(EXAMPLES.iterdir()), fmt, tmp_path / fmt, profile)
    assert len(converted) == 7 and all(p.suffix == "." + fmt for p in converted)
    back = convert(converted, "xlsx", tmp_path / f"{fmt}-xlsx", profile)
    original = totals(plan, EXAMPLES)
    pd.testing.assert_frame_equal(totals(plan, tmp_path / fmt), original)
    pd.testing.assert_frame_equal(totals(plan, tmp_path / f"{fmt}-xlsx"), original)
    assert len(back) == 7
