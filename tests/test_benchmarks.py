"""The benchmark case generator: deterministic, and the case it writes is a valid order."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from click.testing import CliRunner
from conftest import copy_sample
from PIL import Image
from pypdf import PdfReader

from orderpack.cli import main

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _script(name: str) -> Iterator[ModuleType]:
    """benchmarks/NAME.py, a script rather than a package module."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    del sys.modules[name]


@pytest.fixture(scope="module")
def heavy_case() -> Iterator[ModuleType]:
    yield from _script("heavy_case")


@pytest.fixture(scope="module")
def text_only() -> Iterator[ModuleType]:
    yield from _script("text_only")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_same_seed_gives_the_same_bytes(heavy_case: ModuleType, tmp_path: Path) -> None:
    first = heavy_case.generate(tmp_path / "a", 4, pixel_scale=0.1)
    heavy_case.generate(tmp_path / "b", 4, pixel_scale=0.1)
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b")
    assert sorted(files) == [
        "order.yaml", "photos/IMG_4100.jpg", "screenshots/001-tracking.png",
        "screenshots/002-chat.png", "screenshots/003-order.png"]
    assert (first.screenshots, first.photos, first.messages, first.events) == (3, 1, 200, 40)


def test_another_seed_gives_another_case(heavy_case: ModuleType, tmp_path: Path) -> None:
    heavy_case.generate(tmp_path / "a", 3, pixel_scale=0.1)
    heavy_case.generate(tmp_path / "b", 3, pixel_scale=0.1, seed=1)
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_the_case_is_a_valid_order(heavy_case: ModuleType, tmp_path: Path) -> None:
    case = heavy_case.generate(tmp_path / "case", 6, pixel_scale=0.1)
    result = CliRunner().invoke(main, ["validate", str(case.order)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{case.order}: valid — AliExpress order 8190123456789012, "
                             "6 evidence files.\n")
    data = yaml.safe_load(case.order.read_text(encoding="utf-8"))
    senders = {message["from"] for message in data["messages"]}
    assert senders == {"buyer", "seller", "platform"}
    assert all(m.get("translation") for m in data["messages"] if m["from"] == "seller")
    times = [m["at"] for m in data["messages"]]
    assert times == sorted(times)
    assert data["tracking"]["events"][0]["at"] == "2026-09-06 10:12"


def test_photos_carry_exif_orientation_and_gps(heavy_case: ModuleType, tmp_path: Path) -> None:
    heavy_case.generate(tmp_path / "case", 9, pixel_scale=0.1)
    orientations = []
    for path in sorted((tmp_path / "case" / "photos").glob("*.jpg")):
        with Image.open(path) as image:
            exif = image.getexif()
            orientations.append(exif[0x0112])
            assert exif.get_ifd(0x8825)[2]  # GPSLatitude
    assert orientations == [6, 1, 8]


def test_the_flat_case_is_text_on_grey_with_smooth_photos(heavy_case: ModuleType,
                                                           tmp_path: Path) -> None:
    first = heavy_case.generate(tmp_path / "a", 4, pixel_scale=0.1, style="flat")
    heavy_case.generate(tmp_path / "b", 4, pixel_scale=0.1, style="flat")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(heavy_case.generate(
        tmp_path / "app", 4, pixel_scale=0.1).order.parent)
    result = CliRunner().invoke(main, ["validate", str(first.order)])
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "a" / "screenshots" / "002-chat.png") as shot:
        counted = sorted(shot.convert("RGB").getcolors(1 << 16) or [], reverse=True)
        assert counted[0][1] == heavy_case.PAGE  # a grey page...
        assert counted[1][1] == heavy_case.HEADER  # ...under a coloured header bar
    with Image.open(tmp_path / "a" / "photos" / "IMG_4100.jpg") as picture:
        exif = picture.getexif()
        assert exif[0x0112] == 6
        assert exif.get_ifd(0x8825)[2]  # GPSLatitude
    with pytest.raises(ValueError, match="style"):
        heavy_case.generate(tmp_path / "c", 1, style="glossy")


@pytest.mark.parametrize(("exhibits", "expected"), [(30, (20, 10)), (90, (60, 30)), (1, (1, 0))])
def test_two_screenshots_per_photo(heavy_case: ModuleType, exhibits: int,
                                   expected: tuple[int, int]) -> None:
    assert heavy_case.split(exhibits) == expected


@pytest.fixture(scope="module")
def runner_module() -> Iterator[ModuleType]:
    """benchmarks/run.py, which finds its sibling scripts on sys.path."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_run"]
    sys.path.remove(str(BENCHMARKS))


def test_the_report_measures_both_cases_against_the_goals(runner_module: ModuleType) -> None:
    run = runner_module
    results = run.Results(runs=1, cases={"heavy": {"exhibits": 30}, "flat": {"exhibits": 30},
                                         "large": {"exhibits": 90}, "batch": {"exhibits": 12}})
    app, flat = results.builds["heavy"], results.builds["flat"]
    app.naive.runs.append(run.Run(6.0, rss=240_000_000, cpu=5.8))
    app.cold.runs.append(run.Run(5.0, rss=180_000_000, cpu=8.0))
    app.warm.runs.append(run.Run(2.4, cpu=2.3))
    app.text_only.runs.append(run.Run(1.8))
    app.naive_text.runs.append(run.Run(1.5))
    app.naive_pdf, app.orderpack_pdf = 20_000_000, 4_000_000
    flat.naive.runs.append(run.Run(5.0, cpu=4.8))
    flat.cold.runs.append(run.Run(3.0, cpu=4.0))
    flat.warm.runs.append(run.Run(2.5, cpu=2.4))
    results.naive_large.runs.append(run.Run(7.0, rss=241_000_000))
    results.cold_large.runs.append(run.Run(7.0, rss=200_000_000))
    results.batch.runs.append(run.Run(10.0, cpu=16.0))
    rows = {row[0]: row for row in run.figures(results)}
    case, flat_case = "app case, 30 exhibits", "flat case, 30 exhibits"
    assert rows[f"Build time, cold cache ({case})"][3:] == ("0.83×", "≤ 0.65× naive",
                                                            "**not met**")
    assert rows[f"Rebuild, warm cache ({case})"][1:] == (
        "2.40 s", "naive 6.00 s", "0.40×", "≤ 0.45× naive", "met")
    assert rows[f"WeasyPrint alone on the evidence PDF's text ({case})"][1:] == (
        "1.80 s", "naive 6.00 s", "0.30×", "—", "—")
    assert rows[f"Naive render without its pictures ({case})"][1:4] == (
        "1.50 s", "naive 6.00 s", "0.25×")
    assert f"WeasyPrint alone on the evidence PDF's text ({flat_case})" not in rows
    assert rows[f"CPU time, cold cache ({case})"][1:] == (
        "8.00 s", "naive 5.80 s", "1.38×", "≤ 1.0× naive's", "**not met**")
    cores = run.os.cpu_count() or 1
    least = max(2.4, 8.0 / cores)
    assert rows[f"Least possible cold build time on {cores} cores ({case})"][1:4] == (
        f"{least:.2f} s", "naive 6.00 s", f"{least / 6.0:.2f}×")
    # No legibility check: the size alone does not meet the goal.
    assert rows[f"PDF size ({case})"][3:] == ("0.20×", "≤ 0.3× naive, every exhibit legible",
                                              "**not met**")
    assert rows[f"Build time, cold cache ({flat_case})"][3:] == ("0.60×", "≤ 0.65× naive",
                                                                 "met")
    assert rows["Peak RSS, 90 exhibits"][4:] == ("≤ 250 MB", "met")
    assert rows["Memory growth, 30 → 90 exhibits"][1:] == (
        "+20 MB", "naive +1 MB", "", "≤ +15 MB", "**not met**")
    spread = 16.0 / cores
    assert rows["Batch of 4 cases (12 exhibits each)"][1:] == (
        "10.00 s", f"CPU 16.00 s / {cores} = {spread:.2f} s", f"{10.0 / spread:.2f}×",
        "≤ 1.2× CPU time / cores", run._status(10.0 / spread <= 1.2))


def test_the_report_keeps_the_web_pages_section(runner_module: ModuleType,
                                                 tmp_path: Path) -> None:
    run, web = runner_module, runner_module.web
    report = tmp_path / "BENCHMARKS.md"
    section = f"{web.START}\n## Web page\n\n| Cases | 7.1 ms |\n{web.END}"
    report.write_text(f"# Benchmarks\n\nold figures\n\n{section}\n", encoding="utf-8")
    assert run.with_web_section("# Benchmarks\n\nnew figures\n", report) == (
        f"# Benchmarks\n\nnew figures\n\n{section}\n")
    report.write_text("# Benchmarks\n\nold figures\n", encoding="utf-8")
    assert run.with_web_section("new\n", report) == "new\n"


@pytest.mark.slow
def test_the_text_alone_is_the_html_the_build_wrote(text_only: ModuleType, tmp_path: Path,
                                                    warm_cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))
    order = copy_sample(tmp_path, "aliexpress-missing")
    text_only.save(order, tmp_path, date(2026, 11, 26))
    built = PdfReader(tmp_path / "out" / "evidence.pdf")
    html = (tmp_path / "evidence.html").read_text(encoding="utf-8")
    assert 'class="picture-slot"' in html
    assert (tmp_path / "evidence.css").read_text(encoding="utf-8").startswith("/*")
    assert text_only.render(tmp_path, tmp_path / "text.pdf") == len(built.pages)
    alone = PdfReader(tmp_path / "text.pdf")
    assert "/StructTreeRoot" in alone.root_object
    assert not alone.pages[-1].images  # the pictures are orderpack's to place
    assert [page.extract_text().strip() for page in alone.pages] == [
        page.extract_text().strip() for page in built.pages]
