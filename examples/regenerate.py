"""Regenerate the bundled example and the committed blank template.

    python examples/regenerate.py

Writes examples/2026-10/ (seven fictional colleges' filled templates for
October 2026; the seventh saved as .ods through LibreOffice, as colleges do)
and templates/cluster_template.xlsx.  Deterministic: same plan, same files.
"""

from pathlib import Path

from cluster_xl.model import Period
from cluster_xl.plan import default_plan
from cluster_xl.sample import write_examples
from cluster_xl.template import write_template

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    plan = default_plan()
    folder = ROOT / "examples" / "2026-10"
    for old in folder.glob("*"):
        old.unlink()
    for path in write_examples(plan, folder, Period(2026, 10)):
        print(path.relative_to(ROOT))
    print(write_template(plan, ROOT / "templates" / "cluster_template.xlsx").relative_to(ROOT))
