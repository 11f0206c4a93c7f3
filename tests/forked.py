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


def _native_threads() -> int | None:
    """Threads the system runs for this process that Python's threading does not know:
    a C library's, and pytest-xdist's own (execnet reads its pipe on one)."""
    from orderpack.batch import threads_of_this_process

    system = threads_of_this_process()
    return None if system is None else system - threading.active_count()


#: The test process's own native threads, counted when the tests' modules are collected
#: (before any test can start one): a thread started later (lingua's pool) makes forking
#: unsafe; these, blocked reading a pipe, do not.
NATIVE_AT_START = _native_threads()


def fork_is_safe() -> bool:
    """Whether the test process may fork: no thread of its own but the main one and the
    child watchers, and no native thread started since the tests began (lingua 2.2 keeps
    a pool of them once used: a forked process that uses it again waits for them forever)."""
    python = [thread for thread in threading.enumerate()
              if thread is not threading.main_thread()
              and not thread.name.startswith(WAITING_FOR_A_CHILD)]
    native = _native_threads()
    return python == [] and (native is None or NATIVE_AT_START is None
                             or native <= NATIVE_AT_START)


def _run_command(argv: list[str], before: Callable[[], object] | None) -> None:
    allocator.system_defaults()  # not the test process's (conftest.py)
    _command(argv, before)


def _start(target: Callable[..., object], args: tuple[object, ...], *,
           spawn_if_needed: bool) -> BaseProcess:
    """A process running ``target(*args)``: forked when that is safe; otherwise, where
    ``spawn_if_needed``, a new Python (``target`` and ``args`` then go by pickle: a
    function of a module, not a closure), else an AssertionError."""
    if not fork_is_safe():
        assert spawn_if_needed, f"cannot fork: {threading.enumerate()}"
        spawned = multiprocessing.get_context("spawn").Process(target=target, args=args)
        spawned.start()
        return spawned
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process with threads of its own it cannot see
        # (a C library's); the forked process runs orderpack's code alone, as above.
        warnings.simplefilter("ignore", DeprecationWarning)
        process.start()
    return process


def start_command(argv: list[str], before: Callable[[], object] | None = None) -> BaseProcess:
    """Fork a process running ``orderpack ARGV`` (after calling ``before``, if given, in
    that process alone; a function of a module, not a closure); its exit code is the
    command's, or minus the signal that ended it. Where forking is not safe
    (:func:`fork_is_safe`), the process is a new Python instead: slower, the same command."""
    return _start(_run_command, (argv, before), spawn_if_needed=True)


def call(function: Callable[[], T], timeout: float = 300) -> T:
    """``function()`` called in a process forked from this one: what it returns (pickled
    back), or an AssertionError with the traceback of what it raised. Only where
    :func:`fork_is_safe`: the caller has another way where it is not."""
    import traceback

    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)

    def target() -> None:
        try:
            sender.send((True, function()))
        except BaseException:  # any error, for the caller to see
            sender.send((False, traceback.format_exc()))

    def run() -> None:
        allocator.system_defaults()  # not the test process's (conftest.py)
        target()

    process = _start(run, (), spawn_if_needed=False)
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
