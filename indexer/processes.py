"""Child processes that never outlive their parent, and signals that stop a job cleanly.

A batch job is stopped in many ways: Ctrl+C, systemd's SIGTERM, a terminal closing (SIGHUP),
an operator's ``kill -9``, the out-of-memory killer. Whatever happens to the main process, no
child it started may live on holding the index's lock or the caller's output pipe:

- :func:`die_with_parent` asks the kernel (Linux ``PR_SET_PDEATHSIG``) to kill a forked child
  when its parent dies, ``kill -9`` included;
- :func:`close_inherited` closes, in a forked child, every descriptor it inherited but does
  not need (the lock file, other workers' pipes, the other end of its own pipe);
- :func:`stop_on_signals` turns SIGTERM and SIGHUP into the ``KeyboardInterrupt`` that Ctrl+C
  raises, so every ``finally`` runs (workers stopped, the half-built generation removed, the
  lock released) and the process exits with ``128 + the signal's number``; once a run is
  publishing, :func:`defer_stops` lets it finish instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Collection, Iterator
from pathlib import Path
from types import FrameType
from typing import NoReturn

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The job was asked to stop by a signal; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number."""
        return 128 + self.signum


def _prctl() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if not sys.platform.startswith("linux"):
        return None
    try:
        # the symbols already loaded (libc's among them); find_library would run ldconfig
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function: ctypes._CFuncPtr = libc.prctl  # type: ignore[name-defined]
    return function


_PRCTL = _prctl()


def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """In a child just forked from ``parent`` (its pid): be sent ``signum`` when the parent
    dies, and exit at once if it already has (it may die between the fork and this call).
    Where the kernel offers no such request (not Linux), the child's pipe to its parent
    closing is what ends it."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def close_inherited(keep: Collection[int]) -> None:
    """In a forked child: close every descriptor above standard error but those in ``keep``.

    Call it before the child runs anything else: the Python objects that owned those
    descriptors are the parent's, and are never used (nor finalised) in the child."""
    try:
        names = [entry.name for entry in Path("/proc/self/fd").iterdir()]
    except OSError:  # not Linux: fall back to the usual limit
        names = [str(fd) for fd in range(3, os.sysconf("SC_OPEN_MAX"))]
    for name in names:
        descriptor = int(name)
        if descriptor > 2 and descriptor not in keep:
            with contextlib.suppress(OSError):
                os.close(descriptor)


def child_of_this_process() -> None:
    """``preexec_fn`` for a program a worker runs (pdftoppm, tesseract): it dies with the
    worker, whose own time limit may end it with ``SIGKILL``."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class _StopState:
    """What the handler knows: the first stop signal asked for (None: none yet), and whether
    stops are deferred (see :func:`deferred_stops`)."""

    requested: int | None = None
    deferring: bool = False
    active: bool = False  # the handler is installed (in the main thread)


_STATE = _StopState()


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs (in the main thread): SIGTERM, SIGHUP and SIGINT raise
    :class:`Stopped` (a ``KeyboardInterrupt``), so every ``finally`` runs. Each such signal
    raises again, so one that Python had to drop (raised inside a finaliser or a fork hook)
    is followed by the next, and :func:`check_stop` raises it at the next safe point. A signal
    ignored by whoever started us (``nohup`` ignores SIGHUP) stays ignored. Outside the main
    thread nothing changes. A file-size limit (SIGXFSZ) ends a write with EFBIG, reported like
    a full disk, not the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _STATE.requested, _STATE.deferring, _STATE.active = None, False, True

    def handler(signum: int, frame: FrameType | None) -> None:
        if _STATE.requested is None:
            _STATE.requested = signum
        if not _STATE.deferring:
            raise Stopped(signum)

    saved = {signal.SIGXFSZ: signal.signal(signal.SIGXFSZ, signal.SIG_IGN)}
    for signum in STOP_SIGNALS:
        previous = signal.getsignal(signum)
        if previous is signal.SIG_IGN:
            continue
        saved[signum] = previous
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, previous in saved.items():
            signal.signal(signum, previous)
        _STATE.deferring, _STATE.active = False, False


def stop_requested() -> int | None:
    """The stop signal that arrived while :func:`stop_on_signals` was last in force, if any
    (asked after its block ended, too)."""
    return _STATE.requested


def check_stop() -> None:
    """Raise :class:`Stopped` if a stop was asked for and not acted on (its exception was
    dropped, or it was deferred). Called at safe points: between files, before publishing."""
    if _STATE.active and _STATE.requested is not None and not _STATE.deferring:
        raise Stopped(_STATE.requested)


def defer_stops() -> None:
    """From now until :func:`stop_on_signals` ends, a stop signal is only recorded
    (:func:`stop_requested`), not raised: the run is publishing, and finishing is the clean
    way to stop."""
    _STATE.deferring = True


@contextlib.contextmanager
def stop_signals_blocked() -> Iterator[None]:
    """The stop signals held back by the kernel during the block (a fork: a handler that
    raised inside Python's fork hooks would be dropped, and a child would get its parent's
    handler before it ignores the signals), delivered when it ends."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def ignore_stop_signals() -> None:
    """In a worker (forked with the stop signals blocked): Ctrl+C, which a terminal sends to
    the whole process group, is the parent's to handle (the worker would print a traceback);
    SIGTERM and SIGHUP end the worker at once, as the parent's own clean-up does (so does
    Python's when the parent exits). The signals are then unblocked."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def end_by_signal(signum: int) -> NoReturn:
    """End this process as ``signum`` would have (the shell shows 128 + its number, systemd a
    clean stop), after saying so on standard error: for a command that was stopped while it
    had nothing to clean up (loading, searching, serving)."""
    sys.stderr.write(f"stopped by {signal.Signals(signum).name}\n")
    sys.stderr.flush()
    signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signum])
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # (should the signal not end it)
