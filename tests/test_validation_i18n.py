"""`orderpack validate` in the buyer's language: ``--lang``, else ``buyer.language`` (read
even from a file with other faults), else English; and every sentence it can say is in the
catalogs' template.

The Spanish here comes from a catalog each test writes (tests/catalogs.py): the real one is
being translated by hand."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from catalogs import Entries, record, template_ids, use_catalog
from click.testing import CliRunner, Result

from orderpack import api, i18n
from orderpack.cli import main
from orderpack.errors import OrderpackError
from orderpack.loader import buyer_language

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"

SPANISH: Entries = {
    "expected a date written year-month-day (YYYY-MM-DD), got %(value)s":
        "se esperaba una fecha escrita año-mes-día (AAAA-MM-DD), pero pone %(value)s",
    "write %(value)s": "escriba %(value)s",
    "not valid YAML: a quoted text is not closed":
        "YAML no válido: un texto entre comillas no está cerrado",
    "add the closing quote (\" or ') at the end of the text":
        "añada la comilla de cierre (\" o ') al final del texto",
    "%(value)s is not an ISO 4217 currency code":
        "%(value)s no es un código de moneda ISO 4217",
    ("%(num)d problem in %(files)s:", "%(num)d problems in %(files)s:"):
        # CLDR's Spanish has three forms: one, many (a million), other.
        ("%(num)d problema en %(files)s:", "%(num)d problemas en %(files)s:",
         "%(num)d problemas en %(files)s:"),
    "the file is saved as UTF-16, not UTF-8": "el archivo está guardado como UTF-16, no UTF-8",
}

DAY_FIRST = """\
platform: aliexpress
buyer:
  name: Ana García
  language: es
order:
  number: "8190123456789012"
  placed: 14/09/2026
  store: Tienda
  items:
    - title: Hub USB-C
  total: 25.48
  currency: {currency}
shipping:
  shipped: 2026-09-15
  delivery_deadline: 2026-10-20
"""


def run(folder: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> Result:
    monkeypatch.chdir(folder.parent)
    return CliRunner().invoke(main, ["validate", f"{folder.name}/order.yaml", *options])


def case(tmp_path: Path, text: str, name: str = "caso") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "order.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(monkeypatch, "es", SPANISH)


@pytest.mark.usefixtures("spanish")
def test_a_spanish_buyer_reads_the_problem_and_its_fix_in_spanish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case(tmp_path, DAY_FIRST.format(currency="EUR"))
    result = run(folder, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: caso/order.yaml:7:3: order.placed: se esperaba una fecha escrita año-mes-día '
        '(AAAA-MM-DD), pero pone "14/09/2026" — escriba 2026-09-14\n')


@pytest.mark.usefixtures("spanish")
def test_a_build_refuses_a_faulty_file_in_the_buyers_language(tmp_path: Path) -> None:
    """`build` (and its dry run) validate as `validate` does: in buyer.language."""
    folder = case(tmp_path, DAY_FIRST.format(currency="EUR"))
    for attempt in (api.build, api.preflight):
        with pytest.raises(OrderpackError) as refused:
            attempt(folder / "order.yaml", date(2026, 11, 26))
        assert "se esperaba una fecha escrita año-mes-día" in str(refused.value)


@pytest.mark.usefixtures("spanish")
def test_several_problems_are_counted_by_the_languages_plural_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case(tmp_path, DAY_FIRST.format(currency="euros"))
    result = run(folder, monkeypatch)
    assert result.stderr.splitlines() == [
        "Error: 2 problemas en caso/order.yaml:",
        'caso/order.yaml:7:3: order.placed: se esperaba una fecha escrita año-mes-día '
        '(AAAA-MM-DD), pero pone "14/09/2026" — escriba 2026-09-14',
        'caso/order.yaml:12:3: order.currency: "euros" no es un código de moneda ISO 4217 — '
        "escriba EUR",
    ]


@pytest.mark.usefixtures("spanish")
def test_a_file_that_is_not_yaml_is_still_explained_in_the_buyers_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case(tmp_path, DAY_FIRST.format(currency="EUR")
                  + 'dispute:\n  details: "El paquete no llegó\n')
    result = run(folder, monkeypatch)
    assert result.stderr == (
        "Error: caso/order.yaml:17:12: YAML no válido: un texto entre comillas no está cerrado "
        "— añada la comilla de cierre (\" o ') al final del texto\n")


@pytest.mark.usefixtures("spanish")
def test_lang_overrides_the_order_files_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case(tmp_path, DAY_FIRST.format(currency="EUR"))
    english = run(folder, monkeypatch, "--lang", "en")
    assert "expected a date written year-month-day (YYYY-MM-DD), got" in english.stderr
    english_file = case(tmp_path, DAY_FIRST.format(currency="EUR").replace(
        "  language: es\n", ""), "english")
    assert "se esperaba una fecha" in run(english_file, monkeypatch, "--lang", "es").stderr
    assert "expected a date written" in run(english_file, monkeypatch).stderr


@pytest.mark.usefixtures("spanish")
def test_a_file_orderpack_cannot_read_is_explained_in_english(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "utf16"
    folder.mkdir()
    (folder / "order.yaml").write_text(DAY_FIRST.format(currency="EUR"), encoding="utf-16")
    result = run(folder, monkeypatch)
    assert result.stderr == ("Error: utf16/order.yaml:1:1: the file is saved as UTF-16, not "
                             "UTF-8 — save it again choosing the encoding UTF-8 in your "
                             "editor\n")


@pytest.mark.usefixtures("spanish")
def test_an_unknown_language_is_itself_a_problem_said_in_english(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = case(tmp_path, DAY_FIRST.format(currency="euros").replace(
        "language: es", "language: xx").replace("14/09/2026", "2026-09-14"))
    assert run(folder, monkeypatch).stderr.splitlines() == [
        "Error: 2 problems in caso/order.yaml:",
        'caso/order.yaml:4:3: buyer.language: "xx" is not a language orderpack writes — '
        "write one of en, es, pt-BR, fr, de, pl, ru",
        'caso/order.yaml:12:3: order.currency: "euros" is not an ISO 4217 currency code — '
        "write EUR",
    ]


@pytest.mark.parametrize(("text", "tag"), [
    ("buyer:\n  name: A\n  language: ES\n", "es"),
    ("buyer: {name: A, language: pt_br}\n", "pt-BR"),
    ("buyer:\n  # a comment\n  language: 'ru'  # Russian\norder: [\n", "ru"),  # not YAML
    ("buyer:\n\tlanguage: de\n", "de"),  # a tab: the careful path
    ("order:\n  language: es\nbuyer:\n  name: A\n", "en"),  # another group's field
    ("buyer:\n  name: A\nlanguage: es\n", "en"),  # not under buyer
    ("buyer:\n  language: klingon\n", "en"),
    ("buyer:\n  language: &x es\n", "en"),  # an anchor: not read as a plain value
    ("", "en"),
])
def test_the_buyers_language_is_read_before_the_file_is_checked(
        tmp_path: Path, text: str, tag: str) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(text, encoding="utf-8")
    assert buyer_language(path) == tag


def test_a_missing_order_file_speaks_english(tmp_path: Path) -> None:
    assert buyer_language(tmp_path / "nothing.yaml") == "en"


# --- Every sentence validate says is one the translators have -------------------------------


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bad-input corpus, shared by the module's tests: validating reads it only."""
    cases = tmp_path_factory.mktemp("corpus") / "bad"
    shutil.copytree(BAD, cases, symlinks=True)
    return cases


@pytest.mark.parametrize("tag", i18n.SUPPORTED)
def test_every_sentence_of_the_bad_input_corpus_is_in_the_template(
        tag: str, bad_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole bad-input corpus (tests/fixtures/bad) is validated in ``tag``; each sentence
    looked up is in messages.pot (`make catalogs` extracted it), so every language's catalog
    has it to translate."""
    recorder = record(monkeypatch)
    cases = bad_corpus
    refused = 0
    for folder in sorted(path for path in cases.iterdir() if path.is_dir()):
        with pytest.raises(OrderpackError):
            api.validate(folder / "order.yaml", tag)
        refused += 1
    assert refused > 80
    assert len(recorder.seen) > 100  # the corpus says many different things
    assert recorder.seen - template_ids() == set()


def test_validating_a_valid_english_file_loads_no_catalog(tmp_path: Path) -> None:
    """Sentences are looked up only when there is something to say: a valid file's
    `validate` starts without importing Babel (CLDR's data is slow to load)."""
    import subprocess
    import sys

    folder = tmp_path / "clean"
    shutil.copytree(Path(__file__).resolve().parent.parent / "samples" / "aliexpress-missing",
                    folder, ignore=shutil.ignore_patterns("out"))
    order = folder / "order.yaml"
    order.write_text(order.read_text(encoding="utf-8").replace("Jane Doe", "Ana Real").replace(
        "8190123456789012", "8190123456789099").replace("Shenzhen Gadget Store", "Real Store"),
        encoding="utf-8")
    code = ("import sys, orderpack; case = orderpack.validate(sys.argv[1]);"
            "print(len(case.warnings), any(name.startswith('babel') for name in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code, str(order)], capture_output=True,
                            text=True, check=True).stdout
    assert output.split() == ["0", "False"]
