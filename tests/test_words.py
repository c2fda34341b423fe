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
