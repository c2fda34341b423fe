"""Where a plan comes from: the bundled plan, a JSON file, or a plan workbook."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Plan, PlanError, default_plan, plan_from_dict
from .workbook import read_plan_workbook


def load_plan(path: str | Path | None = None) -> Plan:
    """The bundled plan, or a user's plan from JSON or a plan workbook."""
    if path is None:
        return default_plan()
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            return plan_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise PlanError(f"Файл плана {path.name} не удалось прочитать: {exc}") from None
    return read_plan_workbook(path)
