"""The documented library API: every name exposed by `cluster_xl`, lazily."""

import subprocess
import sys

import cluster_xl


def test_every_documented_name_is_there():
    for name in cluster_xl.__all__:
        assert getattr(cluster_xl, name) is not None, name


def test_importing_the_package_loads_no_heavy_library():
    code = ("import sys, cluster_xl, cluster_xl.face.cli; "
            "print(','.join(m for m in ('pandas', 'python_calamine', 'xlsxwriter', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_the_readme_example_runs(tmp_path, generated_examples):
    from cluster_xl import Period, build_report, load_plan, write_report, write_template

    plan = load_plan()
    write_template(plan, tmp_path / "шаблон.xlsx")
    report = build_report(plan, [generated_examples], Period(2026, 10), jobs=1)
    assert {f.status for f in report.files} == {"accepted"}
    assert write_report(report, tmp_path / "svod.xlsx").stat().st_size > 0
