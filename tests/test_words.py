"""click's own words in Russian (face/words.py)."""

import gettext

import click.core
import pytest

from cluster_xl.face import words


def test_every_click_module_speaks_russian_after_install():
    words.install()
    for module in words.CLICK_MODULES:
        if hasattr(module, "_"):
            assert module._("Usage:") == "Использование:", module.__name__


def test_install_refuses_a_click_that_translates_otherwise(monkeypatch):
    monkeypatch.setattr(click.core, "_", lambda text: text.upper())
    with pytest.raises(RuntimeError, match="click.core._"):
        words.install()


def test_install_twice_is_harmless():
    words.install()
    words.install()
    assert click.core._ is not gettext.gettext


@pytest.mark.parametrize("args, expected", [
    (["consolidate", ".", "--jobs", "abc"], "Недопустимое значение '--jobs': «abc» — не целое число."),
    (["consolidat"], "Нет команды 'consolidat'. Возможно, имелось в виду 'consolidate'."),
    (["consolidate", ".", "--perod", "2026-10"],
     "Нет параметра '--perod'. (Возможно, имелось в виду одно из: '--pdf', '--period'.)"),
])
def test_clicks_own_errors_are_russian(args, expected):
    from click.testing import CliRunner

    from cluster_xl.face.cli import cli

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert f"Ошибка: {expected}" in result.output
    assert not any(word in result.output for word in ("Did you mean", "is not a valid", "Error:"))


def test_help_has_no_english_metavar():
    from click.testing import CliRunner

    from cluster_xl.face.cli import cli

    for command in ("template", "check", "consolidate"):
        out = CliRunner().invoke(cli, [command, "--help"]).output
        assert not any(word in out for word in ("TEXT", "INTEGER", "PATH", "FILE ", "[required]")), command
