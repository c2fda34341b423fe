"""tests/hostile: the CLI run against hostile files (make_hostile.py builds them)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a hostile case that takes over 20 s even today")
