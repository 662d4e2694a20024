"""Worker processes: each job under its own limits, workers reused, every failure contained."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time

import pytest

from indexer.workers import GC_THRESHOLDS, Done, JobFailure, JobFeed, Limits, run_isolated


def test_a_job_over_its_time_limit_is_stopped() -> None:
    started = time.monotonic()
    done = list(run_isolated([0.0, 30.0], time.sleep, workers=2, limits=Limits(seconds=1)))
    assert time.monotonic() - started < 10
    results = {d.job: d.result for d in done}
    assert results[0.0] is None
    failure = results[30.0]
    assert isinstance(failure, JobFailure) and failure.reason == "timeout"


def _crash(_: object) -> None:
    os._exit(7)


def test_a_worker_that_dies_is_that_file_s_failure() -> None:
    [done] = run_isolated(["x"], _crash, workers=1, limits=Limits(seconds=10))
    assert isinstance(done.result, JobFailure) and done.result.reason == "unreadable"


_KEPT: list[bytearray] = []
_JOBS_HERE: list[str] = []  # the jobs this process has run


class _Unpicklable:
    def __reduce__(self) -> str:
        raise ValueError("not to be pickled")


def _pid_of_any(job: object) -> tuple[object, int]:
    return job, os.getpid()


def _pid(job: str) -> tuple[str, int]:
    if job == "crash":
        os._exit(7)
    if job == "raise":
        raise ValueError("a bug this file triggers")
    if job == "sleep":
        time.sleep(30)
    if job == "grab":
        block = bytearray(200 * 1024 * 1024)  # over the 100 MiB each job may take
        return job, len(block)
    if job == "dies when reused" and _JOBS_HERE:
        os.kill(os.getpid(), signal.SIGKILL)
    _JOBS_HERE.append(job)
    if job.startswith("keep"):  # memory the worker keeps after the job
        _KEPT.append(bytearray(150 * 1024 * 1024))
    return job, os.getpid()


def _results(jobs: list[str], **kwargs: int) -> list[object]:
    limits = Limits(seconds=float(kwargs.pop("seconds", 10)), memory_mb=kwargs.pop("mb", 100))
    by_job = {d.job: d.result for d in run_isolated(jobs, _pid, limits=limits, **kwargs)}
    return [by_job[job] for job in jobs]


def test_a_worker_takes_job_after_job_and_is_replaced_after_its_quota() -> None:
    jobs = [f"job {n}" for n in range(7)]
    results = _results(jobs, workers=1, jobs_per_worker=3)
    pids = [pid for _, pid in results]  # type: ignore[misc]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] == pids[5] != pids[6]
    assert os.getpid() not in pids


@pytest.mark.slow
def test_after_a_failure_the_next_job_gets_a_new_worker() -> None:
    jobs = ["first", "crash", "second", "raise", "third", "sleep", "fourth", "grab", "fifth"]
    results = dict(zip(jobs, _results(jobs, workers=1, seconds=2), strict=True))
    reasons = {job: r.reason for job, r in results.items() if isinstance(r, JobFailure)}
    assert reasons == {
        "crash": "unreadable",
        "raise": "unreadable",
        "sleep": "timeout",
        "grab": "out-of-memory",
    }
    assert "ValueError: a bug this file triggers" in results["raise"].message  # type: ignore[union-attr]
    pids = [results[job][1] for job in ("first", "second", "third", "fourth", "fifth")]  # type: ignore[index]
    assert len(set(pids)) == 5


def test_the_memory_limit_is_per_job_and_a_worker_grown_past_it_is_replaced() -> None:
    # each job keeps 150 MiB: within its own 200 MiB; once the worker holds more than 200 MiB
    # over what it started with, the next job gets a fresh worker
    results = _results(["keep 1", "keep 2", "keep 3"], workers=1, mb=200)
    assert not any(isinstance(r, JobFailure) for r in results), results
    pids = [pid for _, pid in results]  # type: ignore[misc]
    assert pids[0] == pids[1] != pids[2]


def test_a_job_that_cannot_be_sent_fails_alone() -> None:
    jobs: list[object] = ["first", _Unpicklable(), "second"]
    done = list(run_isolated(jobs, _pid_of_any, workers=1, limits=Limits(seconds=10)))
    results = {id(d.job): d.result for d in done}
    failure = results[id(jobs[1])]
    assert isinstance(failure, JobFailure) and failure.reason == "error"
    assert "cannot be sent" in failure.message
    ok = [results[id(jobs[0])], results[id(jobs[2])]]
    assert len({pid for _, pid in ok}) == 1  # type: ignore[misc]  # one worker, not one per try


def test_a_reused_worker_that_dies_has_its_job_run_again_on_a_fresh_one() -> None:
    results = _results(["first", "dies when reused", "crash"], workers=1)
    assert results[0][0] == "first" and results[1][0] == "dies when reused"  # type: ignore[index]
    assert results[0][1] != results[1][1]  # type: ignore[index]
    failure = results[2]  # dies on a fresh worker too: that file's failure
    assert isinstance(failure, JobFailure) and failure.reason == "unreadable"


def test_closing_the_batch_early_stops_its_workers() -> None:
    others = set(multiprocessing.active_children())  # other tests' servers, if any
    done = run_isolated(["first", "sleep", "sleep"], _pid, workers=2, limits=Limits(seconds=60))
    assert next(done).job == "first"
    assert set(multiprocessing.active_children()) - others  # the batch's workers run
    done.close()
    assert not set(multiprocessing.active_children()) - others


def test_overlapping_batches_restore_the_collector_once_both_end() -> None:
    before = (gc.get_threshold(), gc.get_freeze_count())
    first = run_isolated(["a", "b"], _pid, workers=1, limits=Limits(seconds=10))
    second = run_isolated(["c", "d"], _pid, workers=1, limits=Limits(seconds=10))
    next(first)
    next(second)
    first.close()
    assert gc.get_threshold() == GC_THRESHOLDS  # the second batch still runs
    second.close()
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_two_workers_share_the_jobs() -> None:
    jobs = [f"job {n}" for n in range(6)]
    results = _results(jobs, workers=2)
    assert [job for job, _ in results] == jobs  # type: ignore[misc]
    assert len({pid for _, pid in results}) == 2  # type: ignore[misc]


def _thresholds(_: object) -> tuple[int, ...]:
    return gc.get_threshold()


def test_the_collector_runs_less_often_during_a_batch_and_as_before_after_it() -> None:
    before = gc.get_threshold()
    [done] = run_isolated(["job"], _thresholds, workers=1, limits=Limits(seconds=10))
    assert done.result == GC_THRESHOLDS != before
    assert gc.get_threshold() == before


def _feed_later(feed: JobFeed[str], jobs: list[str], end: BaseException | None) -> None:
    for job in jobs:
        time.sleep(0.3)  # (each job comes while the run waits for the feed)
        feed.put(job)
    feed.put_done(Done("failed before", JobFailure("removed", "not there"), 0.0))
    feed.close(end)


def test_a_fed_run_takes_jobs_as_they_come_in_the_same_worker_until_closed() -> None:
    feed: JobFeed[str] = JobFeed()
    thread = threading.Thread(target=_feed_later, args=(feed, ["a", "b", "c"], None))
    thread.start()
    done = list(run_isolated(feed, _pid, workers=2, limits=Limits(seconds=10)))
    thread.join()
    results = {d.job: d.result for d in done}
    assert set(results) == {"a", "b", "c", "failed before"}
    assert results["failed before"] == JobFailure("removed", "not there")
    pids = {results[job][1] for job in "abc"}  # type: ignore[index]
    assert len(pids) == 1  # (one worker was enough: it waited for each job)


def test_a_feed_closed_with_an_error_ends_the_run_with_it_and_stops_the_workers() -> None:
    others = set(multiprocessing.active_children())
    feed: JobFeed[str] = JobFeed()
    thread = threading.Thread(target=_feed_later, args=(feed, ["a"], ConnectionError("gone")))
    thread.start()
    run = run_isolated(feed, _pid, workers=1, limits=Limits(seconds=10))
    with pytest.raises(ConnectionError, match="gone"):
        list(run)
    thread.join()
    assert not set(multiprocessing.active_children()) - others
