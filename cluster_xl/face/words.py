"""Russian for click's own words («Usage:», «Missing option», …).

click marks its texts for gettext but ships no Russian catalogue, and a user
of this tool must not meet English in help or errors.  `install()` (called once
by the CLI) points the `_` and `ngettext` that click's modules took from gettext
at a small dictionary; texts not listed stay as they are.  It refuses a click
whose modules no longer translate through gettext's functions (tests/test_words.py),
rather than leave English in place silently.
"""

from __future__ import annotations

import gettext

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

TEXTS = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Commands": "Команды",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "Error: {message}": "Ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: «{command} {option}».",
    "Missing argument": "Не указан аргумент",
    "Missing option": "Не указан параметр",
    "Missing parameter": "Не указан параметр",
    "Missing command.": "Не указана команда.",
    "No such option {name!r}.": "Нет параметра {name!r}.",
    "No such command {name!r}.": "Нет команды {name!r}.",
    "Invalid value: {message}": "Недопустимое значение: {message}",
    "Invalid value for {param_hint}: {message}": "Недопустимое значение {param_hint}: {message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} не существует.",
    "{name} {filename!r} is a file.": "{name} {filename!r} — файл, а не папка.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} — папка, а не файл.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} недоступен для чтения.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} недоступен для записи.",
    "file": "Файл",
    "directory": "Папка",
    "path": "Путь",
    "Aborted!": "Прервано.",
    "default: {default}": "по умолчанию: {default}",
    "required": "обязательный",
    "{value!r} is not a valid {number_type}.": "«{value}» — не целое число.",
    "{value} is not in the range {range}.": "{value} — вне допустимых пределов ({range}).",
    "Missing parameter: {param_name}": "Не указан параметр: {param_name}",
    "Option {name!r} does not take a value.": "Параметр {name!r} не принимает значения.",
    "Argument {name!r} takes {nargs} values.": "Аргументу {name!r} нужно значений: {nargs}.",
    "Could not open file {filename!r}: {message}": "Не удалось открыть файл {filename!r}: {message}",
    "{name} {filename!r} is not executable.": "{name} {filename!r} не является исполняемым.",
    "unknown error": "неизвестная ошибка",
    "env var: {var}": "переменная окружения: {var}",
    "Value must be an iterable.": "Ожидается список значений.",
    "Choose from:\n\t{choices}": "Выберите из:\n\t{choices}",
}


def _ru(message: str) -> str:
    return TEXTS.get(message, message)


def _ru_n(singular: str, plural: str, n: int) -> str:
    if singular.startswith("Got unexpected extra argument"):
        return "Лишние аргументы: ({args})"
    if singular.startswith("Option {name!r} requires"):
        return "Параметру {name!r} нужно значение."
    if singular.startswith("Did you mean"):
        return "Возможно, имелось в виду {possibility}." if n == 1 else "(Возможно, имелось в виду одно из: {possibilities}.)"
    return singular if n == 1 else plural


CLICK_MODULES = (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types)


def install() -> None:
    """Russian for click's texts in every module of click that has them (idempotent)."""
    for module in CLICK_MODULES:
        for name, ours, theirs in (("_", _ru, gettext.gettext), ("ngettext", _ru_n, gettext.ngettext)):
            found = getattr(module, name, None)
            if found is None or found is ours:
                continue
            if found is not theirs:
                raise RuntimeError(f"{module.__name__}.{name} is not gettext's: click translates otherwise now")
            setattr(module, name, ours)


class Command(click.Command):
    """A command whose usage line reads «[ПАРАМЕТРЫ]» instead of «[OPTIONS]»."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        kwargs.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]...")
        super().__init__(*args, **kwargs)


Group.group_class = Group
