"""benchmarks/web.py: it measures every page, and writes only its own section of
BENCHMARKS.md."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "web.py"


@pytest.fixture(scope="module")
def web_bench() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("web_bench", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_bench"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    del sys.modules["web_bench"]


def test_it_replaces_only_its_own_section(web_bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nThe build's figures.\n", encoding="utf-8")
    first = f"{web_bench.START}\n## Web page\nold\n{web_bench.END}\n"
    web_bench.write(path, first)
    path.write_text(path.read_text(encoding="utf-8") + "\n## Later section\nkept\n",
                    encoding="utf-8")
    web_bench.write(path, first.replace("old", "new"))
    assert path.read_text(encoding="utf-8") == (
        "# Benchmarks\n\nThe build's figures.\n\n"
        f"{web_bench.START}\n## Web page\nnew\n{web_bench.END}\n\n## Later section\nkept\n")


@pytest.mark.slow
def test_it_measures_every_page_and_edit(web_bench: ModuleType, warm_cache: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", "")  # the benchmark sets it
    pages, edits = web_bench.measure(1, cache=warm_cache)  # the pictures made already
    assert len(pages) == 9
    assert len(edits) == 3
    assert all(len(figure.seconds) == 1 and figure.seconds[0] > 0 for figure in pages + edits)
    text = web_bench.section(pages, edits, 1, 1.0)
    assert text.startswith(web_bench.START)
    assert text.endswith(web_bench.END + "\n")
