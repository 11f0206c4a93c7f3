"""Shared fixtures: the sample cases, copied into tmp_path so no test writes to the tree."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import configuration, settings

# Hypothesis keeps its example database outside the working tree, and none is reused.
configuration.set_hypothesis_home_dir(tempfile.mkdtemp(prefix="orderpack-hypothesis-"))
settings.register_profile("orderpack", database=None, deadline=None)
settings.load_profile("orderpack")

if TYPE_CHECKING:
    from orderpack.packet import BuildResult

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own evidence cache: none writes to the user's cache or shares one.

    A test that wants a cache of its own choosing passes ``cache_dir`` or sets the variable.
    """
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(folder))
    return folder


def copy_sample(tmp_path: Path, name: str) -> Path:
    """A copy of samples/NAME in tmp_path (without any built packet); returns its order.yaml."""
    shutil.copytree(SAMPLES / name, tmp_path / name, ignore=shutil.ignore_patterns("out"))
    return tmp_path / name / "order.yaml"


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
