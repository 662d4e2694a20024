"""The ``bulletins`` command's entry point: a stop signal while it starts is handled too.

Loading the command (Whoosh, pdfminer, NLTK, Flask) takes most of a second. SIGTERM and SIGHUP
raise :class:`~indexer.processes.Stopped` from the first moment to the last, like Ctrl+C: while
it loads, and while a command that has nothing to clean up runs, the process says it was
stopped and ends by the signal (128 + its number to a shell, a clean stop to systemd);
``bulletins index`` handles them itself (see ``cli._build``).
"""

from __future__ import annotations

import signal
from types import FrameType

from indexer.processes import Stopped, end_by_signal


def main() -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # (nohup: stays ignored)
            signal.signal(signum, stop)
    try:
        from indexer.cli import main as run
    except KeyboardInterrupt as exc:
        end_by_signal(exc.signum if isinstance(exc, Stopped) else signal.SIGINT)
    run()
