import sys
from pathlib import Path

# Tests share small builders in tests/helpers.py.
sys.path.insert(0, str(Path(__file__).parent))

import pytest

from cluster_xl.model import Period
from cluster_xl.plan import default_plan

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2026-10"


@pytest.fixture(scope="session")
def plan():
    return default_plan()


@pytest.fixture(scope="session")
def generated_examples(tmp_path_factory, plan):
    """The example set written fresh as .xlsx (no LibreOffice needed)."""
    from cluster_xl.sample import write_examples

    folder = tmp_path_factory.mktemp("examples")
    write_examples(plan, folder, Period(2026, 10), ods_index=None)
    return folder
