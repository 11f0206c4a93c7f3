"""Processes forked from the test process, for tests whose subject is a separate process
(killed, running beside others, or measured on its own) but not its start.

A forked process starts with orderpack and WeasyPrint already loaded and warmed up (fonts
found, templates compiled): what a process started afresh spends some 1.3 s of CPU on
before it builds. It then runs the `orderpack` command as its entry point does, with
:func:`orderpack.__main__.run` (:func:`start_command`), or one function (:func:`call`).
Tests whose subject is the start itself (Ctrl-C while the modules load, the import of
WeasyPrint) start a new Python instead.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import warnings
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import TypeVar

import allocator

T = TypeVar("T")


def _command(argv: list[str], before: Callable[[], object] | None) -> None:
    from orderpack.__main__ import run

    if before is not None:
        before()
    sys.argv = ["orderpack", *argv]
    run()


#: Threads that may be running when a test forks: asyncio's watchers of child processes
#: (the browser tests' Playwright driver, started once per worker), each waiting in
#: ``os.waitpid`` and holding no lock the forked process could need.
WAITING_FOR_A_CHILD = "asyncio-waitpid-"


def _as_a_user_runs(target: Callable[[], object]) -> None:
    allocator.system_defaults()  # not the test process's (conftest.py)
    target()


def _start(target: Callable[[], object]) -> BaseProcess:
    # Forking copies only the calling thread: safe while it is the only one that could hold
    # a lock (the builds' own threads are gone once they return).
    others = [thread for thread in threading.enumerate()
              if thread is not threading.main_thread()
              and not thread.name.startswith(WAITING_FOR_A_CHILD)]
    assert others == [], others
    process = multiprocessing.get_context("fork").Process(target=_as_a_user_runs, args=(target,))
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process with threads of its own it cannot see
        # (a C library's); the forked process runs orderpack's code alone, as above.
        warnings.simplefilter("ignore", DeprecationWarning)
        process.start()
    return process


def start_command(argv: list[str], before: Callable[[], object] | None = None) -> BaseProcess:
    """Fork a process running ``orderpack ARGV`` (after calling ``before``, if given, in
    that process alone); its exit code is the command's, or minus the signal that ended it."""
    return _start(lambda: _command(argv, before))


def call(function: Callable[[], T], timeout: float = 300) -> T:
    """``function()`` called in a process forked from this one: what it returns (pickled
    back), or an AssertionError with the traceback of what it raised."""
    import traceback

    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)

    def target() -> None:
        try:
            sender.send((True, function()))
        except BaseException:  # any error, for the caller to see
            sender.send((False, traceback.format_exc()))

    process = _start(target)
    sender.close()
    try:
        assert receiver.poll(timeout), f"no answer from the forked process in {timeout} s"
        done, answer = receiver.recv()
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
            process.join()
    assert done, f"in the forked process:\n{answer}"
    return answer  # type: ignore[no-any-return]  # what function returned, unpickled
