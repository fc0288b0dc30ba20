"""Ordered, bounded parallel map over documents: local processes or a Dask cluster.

Results come back in input order whatever the worker timing, so a parallel
build writes the same bytes as a serial one. At most ``window`` documents are
in flight, so memory stays flat however large the corpus.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator


@dataclass(frozen=True)
class Ready:
    """An item whose result is already known (a cache hit, a skipped file): passed through in order."""

    value: Any
    source: Any = None  # what the value was made from, for the caller (a cache hit's document)


class _Done:
    """A future-like holder for a value that needs no work."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


def default_jobs() -> int:
    """Worker processes to use by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _worker_started() -> None:
    """In a new worker: leave what the parent loaded out of cyclic collection, and collect the rest.

    The parent may have paused the collector (a build does, see kg.pipeline); extraction makes
    some cyclic garbage, so a worker needs it back. Freezing the inherited heap (lexicons,
    rules) keeps the collector from scanning it again and again, and from touching (and so
    copying) the pages a forked worker shares with its parent.
    """
    gc.freeze()
    gc.enable()


def _ordered(submit: Callable[[Any], Any], items: Iterable[Any], window: int) -> Iterator[tuple[Any, Any]]:
    # the item stays here beside its future: only the result travels back from the worker
    pending: deque = deque()
    for item in items:
        pending.append((item, _Done(item.value) if isinstance(item, Ready) else submit(item)))
        if len(pending) >= window:
            item, future = pending.popleft()
            yield item, future.result()
    while pending:
        item, future = pending.popleft()
        yield item, future.result()


def map_local(func: Callable[[Any], Any], items: Iterable[Any], jobs: int, window: int = 0) -> Iterator[tuple[Any, Any]]:
    """``(item, func(item))`` in input order with ``jobs`` worker processes (``Ready`` items pass through).

    Args:
        func: a picklable module-level function.
        items: work items, or ``Ready(value)`` for results already known.
        jobs: worker processes; 1 runs in this process.
        window: most items in flight (default ``8 * jobs``).
    """
    if jobs <= 1:
        for item in items:
            yield item, (item.value if isinstance(item, Ready) else func(item))
        return
    # fork shares what the parent already loaded (lexicons, the jieba dictionary) with every worker
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=_worker_started) as pool:
        yield from _ordered(lambda item: pool.submit(func, item), items, window or 8 * jobs)


def map_dask(
    func: Callable[[Any], Any], items: Iterable[Any], scheduler: str, window: int = 0
) -> Iterator[tuple[Any, Any]]:
    """``(item, func(item))`` in input order on a Dask distributed cluster at ``scheduler``.

    Args:
        func: a picklable module-level function (workers must have ``kg`` installed).
        items: work items, or ``Ready(value)`` for results already known.
        scheduler: address such as ``tcp://127.0.0.1:8786``.
        window: most items in flight (default ``16 * workers``).
    """
    from distributed import Client  # optional dependency: pip install 'hospital-kg[cluster]'

    with Client(scheduler, set_as_default=False) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        submit: Callable[[Any], Future] = lambda item: client.submit(func, item, pure=False)
        yield from _ordered(submit, items, window or 16 * workers)
