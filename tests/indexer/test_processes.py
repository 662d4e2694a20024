"""Stop signals as the command line handles them: raised, deferred while publishing, and
forgotten once the command that caught them is done."""

from __future__ import annotations

import os
import signal

import pytest

from indexer.processes import (
    Stopped,
    check_stop,
    defer_stops,
    stop_on_signals,
    stop_requested,
)


def test_a_stop_signal_raises_and_a_deferred_one_is_only_recorded() -> None:
    with pytest.raises(Stopped) as stopped, stop_on_signals():
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(1000):  # the handler runs at the next instruction
            pass
    assert stopped.value.exit_status == 128 + signal.SIGHUP
    with stop_on_signals():
        defer_stops()
        os.kill(os.getpid(), signal.SIGTERM)
        check_stop()  # deferred: publishing goes on
    assert stop_requested() == signal.SIGTERM


def test_a_stop_caught_by_one_command_does_not_stop_later_work() -> None:
    with stop_on_signals():
        defer_stops()
        os.kill(os.getpid(), signal.SIGTERM)
    check_stop()  # outside any command that handles signals: nothing to act on
    with stop_on_signals():
        assert stop_requested() is None
        check_stop()


def test_a_signal_ignored_by_whoever_started_us_stays_ignored() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with stop_on_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)
            check_stop()
        assert stop_requested() is None
    finally:
        signal.signal(signal.SIGHUP, previous)
