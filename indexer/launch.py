"""The ``bulletins`` command's entry point: a stop signal while it starts is handled too.

Loading the command (Whoosh, pdfminer, NLTK, Flask) takes most of a second. A SIGTERM, SIGHUP
or Ctrl+C in that time ends it as later: one line, nothing changed, exit status 128 + the
signal's number (not a traceback, not a silent death).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from indexer.processes import Stopped


def main() -> None:
    def early(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    saved = {}
    for stop in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(stop) is not signal.SIG_IGN:  # (nohup: stays ignored)
            saved[stop] = signal.signal(stop, early)
    try:
        from indexer.cli import main as run
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Stopped) else int(signal.SIGINT)
        name = signal.Signals(signum).name
        sys.stderr.write(f"error: stopped by {name} while starting; nothing was changed\n")
        sys.exit(128 + signum)
    finally:
        for stop, previous in saved.items():
            signal.signal(stop, previous)
    run()
