"""Ctrl-C while orderpack starts: a line and exit status 130, never a traceback.

A Ctrl-C is made to come exactly while a module loads (an import hook sends SIGINT to
the process as it is asked for the module), then at random moments of a real start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ebay-not-received" / "order.yaml"

#: Run orderpack as `python -m orderpack` does, after installing a hook that sends the
#: process SIGINT when MODULE is first imported.
HOOK = """\
import os, runpy, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
module = sys.argv[1]
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == module:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["orderpack", *sys.argv[2:]]
runpy.run_module("orderpack", run_name="__main__", alter_sys=True)
"""


#: What Ctrl-C prints: orderpack's line, or click's while it reads the options (--today
#: loads the date parser).
INTERRUPTED = ((130, "Interrupted; nothing was changed.\n"), (1, "\nAborted!\n"))


@pytest.mark.parametrize("module", ["orderpack.validation", "pydantic", "click", "yaml",
                                    "orderpack.packet"])
def test_ctrl_c_while_a_module_loads(module: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", HOOK, module, "build", str(SAMPLE), "--today", "2026-11-26",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stderr) in INTERRUPTED
    assert not (tmp_path / "out").exists()


#: Run orderpack as `python -m orderpack` does, with a Ctrl-C that lands inside a finaliser:
#: when orderpack.packet is first imported, an object whose ``__del__`` sends SIGINT is
#: dropped, so the KeyboardInterrupt is raised inside ``__del__``, where Python can only
#: print "Exception ignored" and go on.
FINALISER = """\
import os, runpy, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
class Bomb:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)  # the handler runs here, inside __del__
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "orderpack.packet":
            sys.meta_path.remove(self)
            Bomb()
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["orderpack", *sys.argv[1:]]
runpy.run_module("orderpack", run_name="__main__", alter_sys=True)
"""


def test_ctrl_c_inside_a_finaliser_still_interrupts(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FINALISER, "build", str(SAMPLE), "--today", "2026-11-26",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert (done.returncode, done.stderr) == INTERRUPTED[0]
    assert not (tmp_path / "out").exists()


#: Run orderpack as `python -m orderpack` does, with a Ctrl-C that a library reports as an
#: error of its own, as pydantic-core does when it lands while a validator is built: when
#: orderpack.model is first imported (to read --today), SIGINT comes, and the
#: KeyboardInterrupt it raises becomes a RuntimeError.
WRAPPED = """\
import os, runpy, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "orderpack.model":
            sys.meta_path.remove(self)
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)  # the handler runs here
            except KeyboardInterrupt:
                raise RuntimeError("Error building validator: KeyboardInterrupt") from None
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["orderpack", *sys.argv[1:]]
runpy.run_module("orderpack", run_name="__main__", alter_sys=True)
"""


def test_ctrl_c_a_library_reports_as_its_own_error_still_interrupts(tmp_path: Path) -> None:
    # --debug: an error that is not the interrupt would show its traceback (the boundary's
    # other cases: test_boundary.py).
    done = subprocess.run(
        [sys.executable, "-c", WRAPPED, "--debug", "build", str(SAMPLE), "--today", "2026-11-26",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert (done.returncode, done.stderr) == INTERRUPTED[0]
    assert not (tmp_path / "out").exists()


#: The `orderpack` command as its console script starts it, saying on stdout once the entry
#: point is loaded. A Ctrl-C before that falls in Python's own start-up (site, runpy),
#: which no program can catch; the delays below count from that line. Its first line gives
#: Ctrl-C the handler Python installs in a terminal: a test runner started in the
#: background passes SIGINT on ignored, and Python then leaves it ignored.
ENTRY = """\
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
import sys
from orderpack.__main__ import run
sys.argv = ["orderpack", *sys.argv[1:]]
print("started", flush=True)
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
def test_ctrl_c_at_any_moment_of_a_start(delay: float, tmp_path: Path) -> None:
    # --debug: an error that is not the interrupt shows its traceback (the same
    # KeyboardInterrupt is said as without it).
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "--debug", "build", str(SAMPLE), "--today", "2026-11-26",
         "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert process.stdout is not None
    assert process.stdout.readline() == "started\n"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr, stderr
    # Interrupted, or done before the signal came.
    assert stderr in ("", *(text for _code, text in INTERRUPTED)), stderr
    assert process.returncode in (0, *(code for code, _text in INTERRUPTED))


class _Starts:
    """A stand-in for ``threading.Thread`` whose first ``start`` is interrupted, as when the
    re-sent signal comes back while the hook is still starting its thread."""

    started: ClassVar[int] = 0
    interrupted: ClassVar[int] = 0

    def __init__(self, **_kwargs: object) -> None:
        pass

    def start(self) -> None:
        if _Starts.interrupted == 0:
            _Starts.interrupted += 1
            raise KeyboardInterrupt
        _Starts.started += 1


def test_an_interrupt_that_comes_back_inside_the_hook_is_sent_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from orderpack import __main__ as entry

    monkeypatch.setattr(entry, "threading", SimpleNamespace(Thread=_Starts))
    swallowed = SimpleNamespace(exc_type=KeyboardInterrupt, exc_value=KeyboardInterrupt(),
                                exc_traceback=None, err_msg=None, object=None)
    entry._unraisable(swallowed)
    assert (_Starts.interrupted, _Starts.started) == (1, 1)


def test_other_unraisable_errors_are_reported_as_python_reports_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from orderpack import __main__ as entry

    reported: list[object] = []
    monkeypatch.setattr(sys, "__unraisablehook__", reported.append)
    other = SimpleNamespace(exc_type=ValueError, exc_value=ValueError(), exc_traceback=None,
                            err_msg=None, object=None)
    entry._unraisable(other)
    assert reported == [other]
