"""English that was left in the commands' own words: `build --dry-run` (the estimate, the
budget, the fitting steps and the report of a budget that cannot be met), the budget and its
steps inside `build`, `orderpack rules` (which gets --lang), and a batch's table, summary and
errors. Each is checked with the real catalogs, in Spanish and Russian: the English words
the command used to print are gone, and no piece of a translated catalog sentence is left in
English (:func:`test_language_outputs.english_left`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from test_i18n_leftovers import in_language
from test_language_outputs import english_left

from orderpack import budget, fitting, i18n, images, profiles
from orderpack.cli import main

if TYPE_CHECKING:
    from orderpack.api_types import BuildResult

TODAY = "2026-11-26"
ALI = "aliexpress-missing"
LANGUAGES = ["es", "ru"]


#: The tests that process the sample's pictures at the budget's rungs run on one pytest-xdist
#: worker, so that they share :func:`module_cache` (each worker would make its own).
SHARES_THE_CACHE = pytest.mark.xdist_group("i18n-commands-cache")


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory: pytest.TempPathFactory, built_aliexpress: BuildResult) -> Path:
    """One evidence cache for this module's builds and dry runs, started from the session
    build of the sample: their subject is the words, and the same pictures at the same rungs
    of the ladder are then processed once, not once per test. The cache is keyed by content
    and settings and checks each entry's SHA-256, so sharing it changes no result."""
    folder = tmp_path_factory.mktemp("i18n-commands") / "cache"
    shutil.copytree(built_aliexpress.out.parent.parent / "cache", folder)
    return folder


@pytest.fixture(autouse=True)
def shared_cache(own_cache: Path, module_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This module's tests use :func:`module_cache` rather than a cache each."""
    del own_cache  # set first, then replaced here
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(module_cache))


def budget_case(tmp_path: Path, tag: str) -> Path:
    """The sample for a buyer reading ``tag``, with two of its four pictures: the chat
    screenshot (with a box blacked out) and the photo. Every rung of a budget's ladder
    processes the pictures again; these two make the commands say every sentence the
    whole sample makes them say (in English: each word of DRY_RUN_ENGLISH and
    OVERRUN_ENGLISH the whole sample's output has, and the blacked-out box), at half the
    cost. Its budgets: 350 KB is met by lowering the pictures, 300 KB with --split by
    splitting, and 230 KB cannot be met (about 266 KB at the least)."""
    order = in_language(tmp_path, ALI, tag)
    text = order.read_text(encoding="utf-8")
    kept = re.sub(r"(?m)^  - file: screenshots/(?:tracking|order-page)\.png\n(?:    .*\n)*",
                  "", text)
    assert kept.count("  - file: ") == text.count("  - file: ") - 2
    order.write_text(kept, encoding="utf-8")
    return order


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], prog_name="orderpack")


def no_english(tag: str, output: str, english: list[str]) -> None:
    """None of the ``english`` words the command printed before, and no catalog sentence
    left in English, in ``output``."""
    assert [words for words in english if words in output] == []
    assert english_left(tag, ALI, output) == []


#: What the dry run, the budget and the fitting steps used to say in English.
DRY_RUN_ENGLISH = ["Preflight of", "an estimate", "nothing was built", "Budget:", "per file",
                   "the build will fit it", "by these steps", "lowered the", "greyscale",
                   "about ", "images, the largest", "it fits as it is", "split the evidence",
                   "PDF files"]

#: What the report of a budget that cannot be met used to say in English.
OVERRUN_ENGLISH = ["cannot be fitted", "even with", "What you can do", "Nothing was written",
                   "The heaviest exhibits", "text pages with their fonts", " over", "leave out",
                   "if the place you upload to", "split the bundle", "alone would make"]


# --- build --dry-run --------------------------------------------------------------------------


@SHARES_THE_CACHE
@pytest.mark.parametrize("tag", LANGUAGES)
def test_the_dry_run_and_its_steps_are_in_the_buyers_language(tmp_path: Path, tag: str) -> None:
    order = budget_case(tmp_path, tag)
    result = run("build", order, "--today", TODAY, "--dry-run", "--max-size", "350KB")
    assert result.exit_code == 0, result.output
    no_english(tag, result.stdout, DRY_RUN_ENGLISH)
    with i18n.using(tag):
        preflight = i18n.gettext(
            "Preflight of %(order)s (an estimate; nothing was built or written):", order=order)
        steps = budget.Level(settings=images.Settings(scale=0.0)).steps(False)
    assert result.stdout.startswith(preflight + "\n")
    assert f"  - {steps[0]}\n" in result.stdout


@SHARES_THE_CACHE
@pytest.mark.parametrize("tag", LANGUAGES)
def test_a_split_in_the_dry_run_is_said_in_the_buyers_language(tmp_path: Path, tag: str) -> None:
    order = budget_case(tmp_path, tag)
    result = run("build", order, "--today", TODAY, "--dry-run", "--max-size", "300KB",
                 "--split")
    assert result.exit_code == 0, result.output
    no_english(tag, result.stdout, DRY_RUN_ENGLISH)
    with i18n.using(tag):
        split = fitting.steps(budget.Level(), 2, False)[0]
    assert f"  - {split}\n" in result.stdout


@SHARES_THE_CACHE
@pytest.mark.parametrize("tag", LANGUAGES)
def test_a_budget_the_dry_run_cannot_meet_is_reported_in_the_buyers_language(
        tmp_path: Path, tag: str) -> None:
    order = budget_case(tmp_path, tag)
    result = run("build", order, "--today", TODAY, "--dry-run", "--max-size", "230KB")
    assert result.exit_code == 1
    no_english(tag, result.stdout, DRY_RUN_ENGLISH)
    no_english(tag, result.stderr, OVERRUN_ENGLISH)
    with i18n.using(tag):
        error = i18n.gettext("Error: %(error)s", error="")
        what_to_do = i18n.gettext("What you can do:")
    assert result.stderr.startswith(error)
    assert f"\n{what_to_do}\n" in result.stderr
    # the suggested option stays as it is typed (its figure depends on the estimate)
    assert re.search(r" --max-size \d+KB\n", result.stderr)


# --- build ------------------------------------------------------------------------------------


@SHARES_THE_CACHE
@pytest.mark.parametrize("tag", LANGUAGES)
def test_what_build_changed_to_fit_is_in_the_buyers_language(tmp_path: Path, tag: str) -> None:
    order = budget_case(tmp_path, tag)
    result = run("build", order, "--today", TODAY, "--max-size", "350KB")
    assert result.exit_code == 0, result.output
    no_english(tag, result.stdout, ["per file", "lowered the", "Fitted into"])
    with i18n.using(tag):
        heading = i18n.gettext("Fitted into %(budget)s:", budget=i18n.gettext(
            "%(size)s per file", size="350 KB") + " (--max-size)")
    steps = result.stdout[result.stdout.index(heading) + len(heading):].splitlines()[1:]
    assert steps
    assert all(step.startswith("  - ") for step in steps)


@SHARES_THE_CACHE
@pytest.mark.parametrize("tag", LANGUAGES)
def test_a_budget_build_cannot_meet_is_reported_in_the_buyers_language(
        tmp_path: Path, tag: str) -> None:
    order = budget_case(tmp_path, tag)
    result = run("build", order, "--today", TODAY, "--max-size", "230KB")
    assert result.exit_code == 1
    no_english(tag, result.stderr, OVERRUN_ENGLISH)
    assert not (order.parent / "out").exists()


@SHARES_THE_CACHE
def test_english_stays_english(tmp_path: Path) -> None:
    order = budget_case(tmp_path, "en")
    result = run("build", order, "--today", TODAY, "--dry-run", "--max-size", "230KB")
    assert result.stdout.startswith(f"Preflight of {order} (an estimate; nothing was built or "
                                    "written):\n")
    assert "Budget: 230 KB per file (--max-size) — it cannot be met." in result.stdout
    assert result.stderr.startswith("Error: the evidence cannot be fitted into 230 KB per file "
                                    "(--max-size), even with every exhibit")
    assert "\nWhat you can do:\n" in result.stderr


# --- The plurals of the budget's words --------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [
    (1, "1 страница на файл"), (3, "3 страницы на файл"), (5, "5 страниц на файл"),
    (21, "21 страница на файл")])
def test_the_budgets_pages_take_the_languages_plural(count: int, expected: str) -> None:
    with i18n.using("ru"):
        assert budget.Budget(file_pages=count).describe() == expected
    assert budget.Budget(file_pages=count).describe() == (
        f"{count} page per file" if count == 1 else f"{count} pages per file")


@pytest.mark.parametrize(("files", "expected"), [
    (2, "доказательства разделены на 2 PDF-файла"),
    (5, "доказательства разделены на 5 PDF-файлов")])
def test_the_split_takes_the_languages_plural(files: int, expected: str) -> None:
    with i18n.using("ru"):
        assert fitting.steps(budget.Level(), files, False) == (expected,)


def test_a_percentage_is_written_as_the_language_writes_it() -> None:
    level = budget.Level(settings=images.Settings(scale=0.85))
    assert level.steps(False) == ("lowered the pictures' resolution to 85%",)
    with i18n.using("ru"):
        assert level.steps(False) == ("разрешение изображений снижено до 85\u00a0%",)


# --- rules --------------------------------------------------------------------------------------


RULES_ENGLISH = ["counts:", "source:", "address:", "none recorded", "checked 20",
                 "[unconfirmed]", "days after", "day after", "business day", "the same day as",
                 "Reasons on the form", "What the form takes", "Paid with PayPal",
                 "reason code", "added to the step"]


def without_sources(output: str, tag: str) -> str:
    """`rules`' output without its sources (they cite English pages as they are written)
    and without the buttons a translation quotes as the English site labels them (“Ask
    eBay to step in”)."""
    output = re.sub(r"“[^”]*”", "“…”", output)
    with i18n.using(tag):
        source = "    " + i18n.gettext("source: %(source)s", source="")
    kept: list[str] = []
    skipping = False
    for line in output.splitlines():
        skipping = line.startswith(source) or (skipping and line.startswith("      "))
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


@pytest.mark.parametrize("tag", LANGUAGES)
def test_rules_are_said_in_the_language_asked_for(tag: str) -> None:
    result = run("rules", "--lang", tag)
    assert result.exit_code == 0, result.output
    shown = without_sources(result.stdout, tag)
    assert len(shown) < len(result.stdout)
    no_english(tag, shown, RULES_ENGLISH)
    profile = profiles.load("aliexpress")
    rule = profile.rules[0]
    with i18n.using(tag):
        label = profiles.said(profile, rule.label)
        checked = i18n.gettext("address: none recorded; checked %(checked)s",
                               checked=rule.checked.isoformat())
    assert f"  - {label}: " in result.stdout
    assert checked in result.stdout


def test_rules_without_lang_stay_english() -> None:
    result = run("rules", "aliexpress")
    assert result.exit_code == 0, result.output
    assert "    counts: 7 days after “Shipped by the seller”\n" in result.stdout
    assert "    address: none recorded; checked 2026-11-26\n" in result.stdout


def test_rules_refuse_a_language_orderpack_does_not_write() -> None:
    result = run("rules", "--lang", "xx")
    assert result.exit_code == 2
    assert "unknown language 'xx'" in result.stderr


# --- A batch ------------------------------------------------------------------------------------


BATCH_ENGLISH = ["case ", "result  ", "FAILED", "cases built"]


def batch(tmp_path: Path, language: str) -> tuple[Path, Path]:
    """A good case and one with an impossible date, both of a buyer reading ``language``;
    the good one is the eBay sample, which has no pictures (the batch's words are the
    subject, and its table's row is the same for any case that builds)."""
    good = in_language(tmp_path / "good", "ebay-not-received", language)
    bad = in_language(tmp_path / "bad", ALI, language)
    bad.write_text(bad.read_text(encoding="utf-8").replace(
        "placed: 2026-09-02", "placed: 2026-99-02"), encoding="utf-8")
    return good, bad


@pytest.mark.parametrize("tag", LANGUAGES)
@pytest.mark.usefixtures("forking")
def test_a_batch_speaks_the_language_of_lang(tmp_path: Path, tag: str) -> None:
    good, bad = batch(tmp_path, "en")
    result = run("build", good, bad, "--today", TODAY, "--lang", tag, "-j", "2")
    assert result.exit_code == 1
    no_english(tag, result.stdout, BATCH_ENGLISH)
    no_english(tag, result.stderr, BATCH_ENGLISH)
    with i18n.using(tag):
        summary = i18n.ngettext("%(built)d of %(num)d case built.",
                                "%(built)d of %(num)d cases built.", 2, built=1)
        failed = i18n.pgettext("a case of a batch", "FAILED")
        seconds = i18n.gettext("%(seconds)s s", seconds="")
        error = i18n.gettext("Error: %(error)s", error="")
    assert result.stdout.endswith(summary + "\n")
    assert result.stderr.startswith(f"{error}{bad}:")
    lines = result.stdout.splitlines()
    assert lines[2].split()[:2] == [str(bad), failed]
    assert all(line.endswith(seconds.strip()) for line in lines[1:3])


@pytest.mark.usefixtures("forking")
def test_a_batch_without_lang_is_english_and_each_error_in_its_cases_language(
        tmp_path: Path) -> None:
    good, bad = batch(tmp_path, "ru")
    result = run("build", good, bad, "--today", TODAY, "-j", "2")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].split() == ["case", "result", "pages", "size", "time"]
    assert result.stdout.endswith("\n1 of 2 cases built.\n")
    # the case's error was raised in its buyer's language, in another process
    assert result.stderr.startswith(f"Ошибка: {bad}:"), result.stderr
