"""Building several cases at once: each in its own process, one failure stops no other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from orderpack import batch
from orderpack.cli import main
from orderpack.errors import OrderFileError
from orderpack.packet import BuildResult, Options, build

TODAY = date(2026, 11, 26)
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def cases(tmp_path: Path) -> list[Path]:
    """Two good cases and one whose order file is incomplete."""
    shutil.copytree(SAMPLES / "ebay-not-received", tmp_path / "one")
    shutil.copytree(SAMPLES / "ebay-not-received", tmp_path / "two")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "order.yaml").write_text("platform: ebay\n", encoding="utf-8")
    return [tmp_path / name / "order.yaml" for name in ("one", "bad", "two")]


def test_one_failing_case_does_not_stop_the_others(
    cases: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each worker a new Python, as where forking is not safe (the other tests fork): the
    # error crosses from a process that shares nothing with this one.
    monkeypatch.setattr(batch, "fork_is_safe", lambda: False)
    done: list[Path] = []
    results = batch.build_many(cases, TODAY, Options(cache_dir=tmp_path / "cache"), jobs=2,
                               on_done=lambda outcome: done.append(outcome.order_path))
    assert [r.order_path for r in results] == cases  # in the order given
    assert [r.ok for r in results] == [True, False, True]
    assert sorted(done) == sorted(cases)
    # The error comes back as raised in the case's process, with its problem records.
    error = results[1].error
    assert isinstance(error, OrderFileError)
    assert ("shipping", "this field is required") in [(p.field, p.message)
                                                      for p in error.problems]
    for good in (results[0], results[2]):
        assert good.result is not None
        assert good.result.evidence_pdf == good.order_path.parent / "out" / "evidence.pdf"
        assert good.result.evidence_pdf.is_file()
    assert not (cases[1].parent / "out").exists()


def _forked_even_with_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch forks its workers (they see the build patched in this process) even if
    this test process has threads a C library started (lingua's, once an earlier test used
    it): the cases here have no text for the language check, which would use them."""
    monkeypatch.setattr(batch, "fork_is_safe", lambda: True)


def test_a_crashing_case_is_reported_and_the_others_build(
    cases: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash_on_two(path: Path, today: date, options: Options) -> BuildResult:
        if path.parent.name == "two":
            os._exit(3)  # a hard crash, as a segfault or the OOM killer would end it
        return build(path, today, options)

    monkeypatch.setattr("orderpack.batch.build", crash_on_two)  # what each worker calls
    _forked_even_with_threads(monkeypatch)
    good = [cases[0], cases[2]]
    results = batch.build_many(good, TODAY, Options(cache_dir=tmp_path / "cache"), jobs=2)
    assert [r.ok for r in results] == [True, False]
    assert "ended unexpectedly (exit code 3)" in str(results[1].error)


@pytest.mark.skipif(os.name != "posix", reason="the forked workers see the patched build")
def test_each_case_may_use_every_core_for_its_images(
    cases: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A case left alone at the end of a batch would otherwise make its images on one core.
    def report_workers(path: Path, today: date, options: Options) -> BuildResult:
        raise OrderFileError(f"workers: {options.workers}", [])

    monkeypatch.setattr("orderpack.batch.build", report_workers)  # what each worker calls
    _forked_even_with_threads(monkeypatch)
    results = batch.build_many(cases, TODAY, Options(cache_dir=tmp_path / "cache"), jobs=2)
    assert [str(r.error) for r in results] == ["workers: None"] * 3
    results = batch.build_many(cases, TODAY, Options(cache_dir=tmp_path / "cache", workers=3),
                               jobs=2)
    assert [str(r.error) for r in results] == ["workers: 3"] * 3


def test_out_cannot_name_one_folder_for_several_cases(cases: list[Path], tmp_path: Path) -> None:
    from orderpack.errors import OrderpackError

    with pytest.raises(OrderpackError, match="--out names one folder"):
        batch.build_many(cases, TODAY, Options(out=tmp_path / "x"), jobs=1)


@pytest.mark.usefixtures("forking")
def test_cli_prints_a_summary_and_fails_if_any_case_failed(
    cases: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "one/order.yaml", "bad/order.yaml",
                                       "two/order.yaml", "--today", "2026-11-26", "-j", "2"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["case", "result", "pages", "size", "time"]
    assert lines[1].split()[:3] == ["one/order.yaml", "ok", "2"]
    assert lines[2].split()[:2] == ["bad/order.yaml", "FAILED"]
    assert lines[3].split()[:3] == ["two/order.yaml", "ok", "2"]
    assert lines[-1] == "2 of 3 cases built."
    assert result.stderr.startswith("Error: 3 problems in bad/order.yaml:\n")
    assert "Traceback" not in result.output


# A process that used lingua's language check (2.2 keeps a pool of threads from then on),
# then builds a batch whose case uses it again: a worker forked from it would wait forever
# for threads it does not have. The check's detectors are made afresh in the workers.
_AFTER_THE_LANGUAGE_CHECK = """
import sys
from datetime import date
from pathlib import Path
from orderpack import batch, text_language
from orderpack.packet import Options
text_language._detector(("en", "es", "ru"))
text_language._detector.cache_clear()
(result,) = batch.build_many([Path(sys.argv[1])], date(2026, 11, 26),
                             Options(cache_dir=Path(sys.argv[2])), jobs=1)
print(result.ok, result.error)
"""


def test_a_batch_after_the_language_check_builds(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES / "aliexpress-spain", tmp_path / "spain")  # checked: es ≠ en
    done = subprocess.run([sys.executable, "-c", _AFTER_THE_LANGUAGE_CHECK,
                           str(tmp_path / "spain" / "order.yaml"), str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "True", done.stdout


def test_a_process_with_threads_of_its_own_does_not_fork() -> None:
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not batch.fork_is_safe()
        threads = batch.threads_of_this_process()
        assert threads is None or threads >= 2  # the system counts this one too
    finally:
        stop.set()
        thread.join()
