"""Shared fixtures: the sample cases, copied into tmp_path so no test writes to the tree."""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import allocator
import pytest
from hypothesis import configuration, settings

# Hypothesis keeps no example database (none is reused). Its home, where it keeps the tables of
# which characters each Unicode category and codec holds, is in the virtual environment the
# tests run in (`make clean` removes it): not in the user's cache, and it outlives the run,
# since computed afresh in every pytest-xdist worker of every run, the one of UTF-8 (which
# `st.text()` draws from) costs 1.3 s.
HYPOTHESIS_HOME = Path(sys.prefix) / "hypothesis"
configuration.set_hypothesis_home_dir(HYPOTHESIS_HOME)
settings.register_profile("orderpack", database=None, deadline=None)
settings.load_profile("orderpack")

if TYPE_CHECKING:
    from orderpack.packet import BuildResult

# The test processes keep the memory they free for their next build (tests/allocator.py),
# rather than fault it in again page by page.
allocator.keep_freed_memory()

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_collectstart(collector: pytest.Collector) -> None:
    """WeasyPrint imported once per test process that collects tests (not pytest-xdist's
    controller), first through orderpack's own import (:func:`orderpack.engine.weasyprint`:
    no program started to find its libraries), before the test modules that import parts
    of it directly (test_font_config, test_headings) would import it the usual way, which
    starts some 50 programs (0.2 s of CPU) in each worker."""
    from orderpack import engine

    engine.weasyprint()


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own evidence cache: none writes to the user's cache or shares one.

    A test that wants a cache of its own choosing passes ``cache_dir`` or sets the variable.
    The folders are made in one folder of their own with :func:`tempfile.mkdtemp`: pytest's
    ``mktemp`` lists the whole temporary folder to number each new one, so that every test's
    cache folder would make each later ``tmp_path`` slower (1,500 of them: 1.05 s of CPU
    against 0.19 s).
    """
    caches = tmp_path_factory.getbasetemp() / "caches"
    caches.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="cache-", dir=caches))
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(folder))
    return folder


#: Growth of the process's peak memory that brings on a full collection of the frozen
#: objects (:func:`long_lived_frozen`).
GROWTH_BETWEEN_FULL_COLLECTIONS = 512 * 1024 * 1024


def _peak_memory() -> int:
    """The process's peak resident memory so far, in bytes (0 where Python cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class _Frozen:
    peak_at_full_collection = 0


@pytest.fixture(autouse=True)
def long_lived_frozen(request: pytest.FixtureRequest) -> Iterator[None]:
    """The test process's long-lived objects (pytest's, hypothesis's, the modules': over
    100,000) stay frozen (:func:`gc.freeze`) from test to test, so the full collection a
    build makes before it writes the PDF walks the build's objects, not all of the suite's
    as well (50 ms each). Unfrozen after each test, they made Python's own full collections
    run often: it counts them from the last one, made while they were frozen. Garbage a
    test leaves behind is frozen with them, and freed by a full collection (some 0.3 s of
    CPU: it walks them all) only once the process's peak memory has grown by
    ``GROWTH_BETWEEN_FULL_COLLECTIONS`` since the last one. A worker of the whole suite
    then ends at 0.7-0.9 GB rather than 0.65-0.75 GB, for 4-5 s less CPU: sixteen full
    collections, made every 200 tests or 64 MB of growth, freed 1.4 million objects and
    little memory the process gave back. (Counting the frozen objects instead walks them
    all: 8 ms a test.) A test marked ``collector`` watches the collector: it starts with
    nothing frozen.
    """
    if request.node.get_closest_marker("collector") is not None:
        gc.unfreeze()
        yield
        return
    peak = _peak_memory()
    if peak - _Frozen.peak_at_full_collection >= GROWTH_BETWEEN_FULL_COLLECTIONS:
        gc.unfreeze()
        gc.collect()
        _Frozen.peak_at_full_collection = peak
    gc.freeze()
    yield


def refreeze() -> None:
    """Freeze the old objects again before the command line builds: it unfreezes them all
    once its build is done (orderpack.pdf.collector_spared), and a test that runs it in a
    loop would otherwise walk the whole suite's objects at every build. The command line
    unfreezes them again; see :func:`long_lived_frozen` for how garbage is still freed."""
    gc.freeze()


def copy_sample(tmp_path: Path, name: str) -> Path:
    """A copy of samples/NAME in tmp_path (without any built packet); returns its order.yaml."""
    shutil.copytree(SAMPLES / name, tmp_path / name, ignore=shutil.ignore_patterns("out"))
    return tmp_path / name / "order.yaml"


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch forks its workers where the test process may (tests/forked.py: pytest-xdist's
    own thread is no reason not to), as the command line does, for tests whose subject is
    not how the workers start: a new Python each costs about 0.7 s more of CPU."""
    import forked

    from orderpack import batch

    monkeypatch.setattr(batch, "fork_is_safe", forked.fork_is_safe)


@pytest.fixture
def aliexpress_case(tmp_path: Path) -> Path:
    """A copy of samples/aliexpress-missing; returns its order.yaml."""
    return copy_sample(tmp_path, "aliexpress-missing")


@pytest.fixture
def ebay_case(tmp_path: Path) -> Path:
    """A copy of samples/ebay-not-received; returns its order.yaml."""
    return copy_sample(tmp_path, "ebay-not-received")


@pytest.fixture
def write_order(tmp_path: Path) -> Callable[[str], Path]:
    """Write an order.yaml with the given text into a fresh case folder; return its path."""

    def write(text: str, name: str = "case") -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "order.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _built_sample(tmp_path_factory: pytest.TempPathFactory, name: str) -> BuildResult:
    """A copy of samples/NAME built on 2026-11-26 with its own cache, in a folder of its own."""
    import orderpack

    folder = tmp_path_factory.mktemp(f"built-{name}")
    return orderpack.build(copy_sample(folder, name), date(2026, 11, 26),
                           cache_dir=folder / "cache")


@pytest.fixture(scope="session")
def built_aliexpress(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The AliExpress sample built once per session (once per pytest-xdist worker), on
    2026-11-26, for tests that only read what the build wrote: one that changes the case or
    its packet builds its own from ``aliexpress_case``."""
    return _built_sample(tmp_path_factory, "aliexpress-missing")


@pytest.fixture(scope="session")
def built_ebay(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The eBay sample built once per session, as :func:`built_aliexpress`."""
    return _built_sample(tmp_path_factory, "ebay-not-received")


@pytest.fixture
def warm_cache(tmp_path: Path, built_aliexpress: BuildResult) -> Path:
    """A cache folder of the test's own that already holds the AliExpress sample's processed
    exhibits (a copy of the session build's cache), for a test whose subject is not the
    processing of pictures: its build then only renders. The cache is keyed by content and
    settings and checks each entry's SHA-256, so a warm cache changes no result; a picture
    the test changes or adds is processed as in a cold one."""
    folder = tmp_path / "warm-cache"
    shutil.copytree(built_aliexpress.out.parent.parent / "cache", folder)
    return folder

