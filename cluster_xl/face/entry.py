"""The `cluster-xl` command's first lines: Ctrl-C is answered in Russian from the first moment.

Importing click, pandas and the rest takes a noticeable fraction of a second; a
Ctrl-C in that time would otherwise print Python's KeyboardInterrupt traceback.
Until `cli.main` takes over (and installs its own handling), an interruption ends
the process at once with «Прервано.» and exit code 130: nothing has been written yet.
"""

import os
import signal


def _before_start(signum, frame):  # pragma: no cover - timing-dependent, tested by a subprocess
    os.write(2, "Прервано. Файлы не записаны.\n".encode("utf-8"))
    os._exit(130 if signum == signal.SIGINT else 143)


# At import, not in main(): the console script imports this module first thing.
_PREVIOUS = signal.signal(signal.SIGINT, _before_start)
signal.signal(signal.SIGTERM, _before_start)


def main(argv=None) -> None:
    from .cli import main as run

    signal.signal(signal.SIGINT, _PREVIOUS)  # from here on, cli.main ends an interruption itself
    run(argv)
