"""Regenerate the bundled example and the committed blank template.

    python examples/regenerate.py

Writes examples/2026-10/ (seven fictional colleges' filled templates for
October 2026; the seventh saved as .ods through LibreOffice, as colleges do),
examples/2026-09/ (the same colleges a month earlier, for `--previous`) and
templates/cluster_template.xlsx.  Deterministic: same plan, same files.
Afterwards regenerate the golden workbook: CLUSTER_XL_REGOLDEN=1 pytest tests/test_golden.py
"""

from pathlib import Path

from cluster_xl.core.model import Period
from cluster_xl.plan.model import default_plan
from cluster_xl.writing.sample import write_examples
from cluster_xl.writing.template import write_template

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    plan = default_plan()
    for period in (Period(2026, 9), Period(2026, 10)):
        folder = ROOT / "examples" / str(period)
        for old in folder.glob("*"):
            old.unlink()
        for path in write_examples(plan, folder, period):
            print(path.relative_to(ROOT))
    print(write_template(plan, ROOT / "templates" / "cluster_template.xlsx").relative_to(ROOT))
