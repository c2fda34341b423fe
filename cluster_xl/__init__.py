"""cluster_xl: monthly consolidation of a «Профессионалитет» cluster's college reports.

The library API, one stage a package (see the README's module map):

    from cluster_xl import load_plan, write_template, read_submission, build_report, write_report

Names are imported on first use, so `import cluster_xl` (and `cluster-xl --help`)
does not load pandas, python-calamine or XlsxWriter.
"""

from __future__ import annotations

from importlib import import_module

from .core.version import __version__

_API = {
    "load_plan": "cluster_xl.plan.load",
    "Plan": "cluster_xl.plan.model",
    "write_template": "cluster_xl.writing.template",
    "Filling": "cluster_xl.writing.template",
    "read_submission": "cluster_xl.reading.reader",
    "build_report": "cluster_xl.run.pipeline",
    "compare_with_previous": "cluster_xl.run.untrusted",
    "write_report": "cluster_xl.writing.workbook",
    "write_pdf": "cluster_xl.writing.pdf",
    "Period": "cluster_xl.core.model",
    "Issue": "cluster_xl.core.issues",
    "Report": "cluster_xl.consolidation.report",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        value = getattr(import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cluster_xl' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
