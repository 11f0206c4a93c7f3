"""Building many cases at once, each in its own process.

A crash or a memory spike in one case ends only that case's process; the others go
on. Results come back as plain records, in the order the cases were given.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, cast

from orderpack import engine
from orderpack.errors import BuildError, OrderpackError
from orderpack.packet import BuildResult, Options, build


@dataclass(frozen=True)
class CaseResult:
    order_path: Path
    ok: bool
    seconds: float
    result: BuildResult | None = None
    error: OrderpackError | None = None
    """Why the case failed: the build's own error, with its problems, or one saying that its
    process ended unexpectedly."""


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def build_many(
    order_paths: Sequence[Path],
    today: date,
    options: Options,
    jobs: int | None = None,
    on_done: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Build each case in its own process, ``jobs`` at a time; one failure stops no other."""
    jobs = max(1, jobs or default_jobs())
    if options.out is not None and len(order_paths) > 1:
        raise OrderpackError("--out names one folder; with several cases each packet goes to "
                             "out/ beside its own order file — leave --out away")
    # Fork where there is fork and it is safe: children start at once and share the
    # imported renderer. Otherwise each child is a new Python (a second or so to start).
    forking = os.name == "posix" and fork_is_safe()
    context: Any = multiprocessing.get_context("fork" if forking else "spawn")
    if forking:
        # Imported once here (0.4 s of CPU), shared by the forked children; in each child
        # it would cost every case as much. Each case's images use every core (default
        # workers): a case left alone at the end of a batch then still has them all.
        engine.weasyprint()

    pending = list(enumerate(order_paths))
    running: dict[Connection, tuple[int, Path, float, multiprocessing.process.BaseProcess]] = {}
    results: dict[int, CaseResult] = {}

    def finish(index: int, outcome: CaseResult) -> None:
        results[index] = outcome
        if on_done is not None:
            on_done(outcome)

    while pending or running:
        while pending and len(running) < jobs:
            index, path = pending.pop(0)
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(sender, path, today, options),
                                      daemon=True)
            process.start()
            sender.close()
            running[receiver] = (index, path, time.perf_counter(), process)
        for ready in wait(list(running)):
            receiver = cast(Connection, ready)
            index, path, started, process = running.pop(receiver)
            try:
                ok, payload = receiver.recv()
            except (EOFError, OSError):
                ok, payload = False, None
            receiver.close()
            process.join()
            seconds = time.perf_counter() - started
            if ok:
                finish(index, CaseResult(path, True, seconds, result=payload))
            else:
                message = (
                    f"the build process ended unexpectedly (exit code {process.exitcode}); "
                    "run this case alone with --debug for details")
                error = payload if isinstance(payload, OrderpackError) else BuildError(message)
                finish(index, CaseResult(path, False, seconds, error=error))
    return [results[index] for index in range(len(order_paths))]


def threads_of_this_process() -> int | None:
    """How many threads the system runs for this process (Linux), C libraries' own
    included; None where it cannot tell."""
    try:
        return sum(1 for _ in Path("/proc/self/task").iterdir())
    except OSError:
        return None


def fork_is_safe() -> bool:
    """Whether this process may fork: it runs no thread but the calling one. A forked
    child has only that thread; a lock another held, or a pool of threads a C library
    started, is lost in it, and the child can wait for it forever. lingua 2.2 (the
    language check of ``validate``) keeps such a pool once it has been used."""
    threads = threads_of_this_process()
    return (threads if threads is not None else threading.active_count()) == 1


def _child(sender: Connection, path: Path, today: date, options: Options) -> None:
    try:
        result = build(path, today, options)
    except OrderpackError as exc:
        sender.send((False, exc))
    except Exception:
        sender.send((False, BuildError("orderpack failed unexpectedly:\n"
                                       + traceback.format_exc())))
    else:
        sender.send((True, result))
    finally:
        sender.close()
