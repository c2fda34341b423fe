"""Where a plan comes from: the bundled plan, a JSON file, or a plan workbook."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Plan, PlanError, default_plan, plan_from_dict
from .workbook import read_plan_workbook


def _what(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"нет поля {exc.args[0]!r}" if exc.args else "нет обязательного поля"
    if isinstance(exc, RecursionError):
        return "слишком глубокая вложенность"
    return "поле неверного вида"


def load_plan(path: str | Path | None = None) -> Plan:
    """The bundled plan, or a user's plan from JSON or a plan workbook."""
    if path is None:
        return default_plan()
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            return plan_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except PlanError:
            raise
        except UnicodeDecodeError:
            raise PlanError(f"Файл плана «{path.name}» не прочитан: это не текст в кодировке UTF-8.") from None
        except json.JSONDecodeError as exc:
            raise PlanError(f"Файл плана «{path.name}» не прочитан: ошибка JSON в строке {exc.lineno}, "
                            f"позиции {exc.colno}.") from None
        except Exception as exc:  # noqa: BLE001 - any shape but a plan's: a message, not a traceback
            raise PlanError(f"Файл плана «{path.name}» не прочитан: его содержимое не является планом "
                            f"кластера ({_what(exc)}). Выгрузите план командой «cluster-xl plan export» "
                            "и правьте книгу.") from None
    return read_plan_workbook(path)
