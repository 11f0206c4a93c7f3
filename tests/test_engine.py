"""WeasyPrint imported through orderpack.engine: no program started to look for its
libraries, and the usual import when its quick one fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the library search is skipped on Linux only")

#: Counts the programs a fresh process starts while it imports WeasyPrint, through
#: orderpack.engine or directly, and checks that find_library is itself again afterwards.
COUNT_PROGRAMS = textwrap.dedent("""
    import ctypes.util, subprocess, sys
    search = ctypes.util.find_library
    started = []
    real = subprocess.Popen.__init__
    def spy(self, *args, **kwargs):
        started.append(args[0] if args else kwargs.get("args"))
        real(self, *args, **kwargs)
    subprocess.Popen.__init__ = spy
    if sys.argv[1] == "engine":
        from orderpack import engine
        module = engine.weasyprint()
    else:
        import weasyprint as module
    assert module.HTML is not None
    assert ctypes.util.find_library is search
    print(len(started))
""")


def _programs_started(how: str) -> int:
    done = subprocess.run([sys.executable, "-c", COUNT_PROGRAMS, how], capture_output=True,
                          text=True, check=True)
    return int(done.stdout.split()[-1])


def test_weasyprint_is_imported_without_starting_a_program() -> None:
    # The usual import starts ldconfig, gcc and ld for each name it tries (dozens); the
    # engine's starts none, and leaves find_library as it was.
    assert _programs_started("direct") > 10
    assert _programs_started("engine") == 0


#: A system where the libraries' own file names cannot be loaded (another version, or only
#: the search finds them): the quick import fails, and the usual one follows, silently.
NAMES_FAIL = textwrap.dedent("""
    import cffi, contextlib
    from orderpack import engine
    real = cffi.FFI.dlopen
    refused = []
    def dlopen(self, name, flags=0):
        if ".so." in str(name):
            refused.append(name)
            raise OSError(f"cannot load library {name!r}")
        return real(self, name, flags)
    quick = engine.no_library_search
    @contextlib.contextmanager
    def failing():
        cffi.FFI.dlopen = dlopen
        try:
            with quick():
                yield
        finally:
            cffi.FFI.dlopen = real
    engine.no_library_search = failing
    module = engine.weasyprint()
    print("refused", len(refused) > 0)
    print("laid out", len(module.HTML(string="<p>x</p>").render().pages), "page")
""")


def test_the_usual_import_follows_a_failed_quick_one_and_nothing_is_shown() -> None:
    done = subprocess.run([sys.executable, "-c", NAMES_FAIL], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "refused True\nlaid out 1 page\n"
    assert done.stderr == ""
