"""The Python API does what the command line does."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from layout_memo import reuse_layouts

import orderpack
from orderpack.packet import BuildResult

TODAY = date(2026, 11, 26)


def test_build_status_and_validate_from_python(ebay_case: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    reuse_layouts(monkeypatch)  # the second build lays out the first's HTML: once is enough
    case = orderpack.validate(ebay_case)
    assert case.order.order.number == "12-34567-89012"
    status = orderpack.status(ebay_case, TODAY)
    assert (status.next_action.id, status.next_action.due) == ("open_dispute", date(2026, 12, 10))
    result = orderpack.build(ebay_case, TODAY, out=tmp_path / "packet",
                             cache_dir=tmp_path / "cache")
    assert result.out == (tmp_path / "packet").absolute()
    assert result.evidence_pdf.is_file()
    # The function is still the function after the module behind it was imported.
    again = orderpack.build(ebay_case, TODAY, out=tmp_path / "packet",
                            cache_dir=tmp_path / "cache")
    assert again.evidence_pdf.read_bytes() == result.evidence_pdf.read_bytes()


def test_errors_are_orderpack_errors(tmp_path: Path) -> None:
    with pytest.raises(orderpack.OrderpackError) as caught:
        orderpack.validate(tmp_path / "missing.yaml")
    assert caught.value.problems[0].message == "the file does not exist"


def test_importing_orderpack_and_validating_does_not_import_the_renderer() -> None:
    """Nor the HEIC plugin, when no evidence file is HEIC: both only slow the start."""
    code = ("import sys, orderpack; orderpack.validate('samples/aliexpress-missing/order.yaml');"
            "print('weasyprint' in sys.modules, 'pillow_heif' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=root).stdout
    assert output.strip() == "False False"


def test_every_command_has_its_function_with_a_typed_result(ebay_case: Path,
                                                           tmp_path: Path) -> None:
    estimate = orderpack.preflight(ebay_case, TODAY, max_pages=1)
    assert estimate.estimate.pages >= 1
    assert estimate.overrun is not None
    assert estimate.destination.id == "ebay"
    steps = orderpack.message_steps(ebay_case, TODAY)
    assert steps.platform_name == "eBay"
    states = {step.id: step.state for step in steps.steps}
    assert states["escalate"] == "does_not_apply"  # no dispute is open yet
    letter = orderpack.message(ebay_case, "seller", TODAY)
    assert (letter.step, letter.text.endswith("\n")) == ("seller", True)
    with pytest.raises(orderpack.OrderpackError, match="has no step 'complain'"):
        orderpack.message(ebay_case, "complain", TODAY)
    (ebay,) = orderpack.rules("ebay")
    assert (ebay.id, ebay.name) == ("ebay", "eBay")
    assert {rule.kind for rule in ebay.rules} >= {"date", "reasons", "upload"}
    assert [found.id for found in orderpack.rules()] == orderpack.platforms()
    new = orderpack.init(tmp_path / "new", {"platform": "ebay"})
    assert new.order_path == tmp_path / "new" / "order.yaml"
    assert new.schema_path.is_file()
    assert new.screenshots.is_dir()
    with pytest.raises(orderpack.OrderpackError, match="already exists"):
        orderpack.init(tmp_path / "new")
    assert orderpack.schema()["title"]


def test_status_carries_what_a_front_end_shows(ebay_case: Path) -> None:
    plan = orderpack.status(ebay_case, TODAY)
    assert (plan.platform_name, plan.order_number) == ("eBay", "12-34567-89012")
    assert plan.store
    assert "escalate" in plan.steps
    assert plan.destination is not None
    assert plan.destination.id == "ebay"
    assert set(plan.as_json()["limits"]) == set(plan.destination.limits.sources)


def test_a_batch_failure_keeps_its_problem_records(tmp_path: Path) -> None:
    """The error comes back from the case's process as raised, problems and all."""
    import pickle

    from orderpack.errors import OrderFileError, Problem

    error = OrderFileError.from_problems([Problem("a.yaml", "wrong", line=2, field="x")])
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is OrderFileError
    assert (str(again), again.problems) == (str(error), error.problems)


def test_init_with_today_reads_the_answers_as_the_interview_does(tmp_path: Path) -> None:
    answers = {"platform": "AliExpress", "currency": "€", "total": "12.50",
               "protection_ends": "Buyer Protection ends in 9 days"}
    assert orderpack.init_problems(answers, TODAY) == {}
    made = orderpack.init(tmp_path / "new", answers, TODAY)
    text = made.order_path.read_text(encoding="utf-8")
    assert "platform: aliexpress" in text
    assert "currency: EUR" in text
    assert "protection_ends: 2026-12-05" in text  # nine days after TODAY
    with pytest.raises(orderpack.OrderFileError) as refused:
        orderpack.init(tmp_path / "bad", {"platform": "aliexpress", "placed": "02/09/2026"},
                       TODAY)
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("placed", orderpack.init_problems({"placed": "02/09/2026"}, TODAY)["placed"])]
    assert not (tmp_path / "bad").exists()


def test_the_dispute_text_is_what_a_build_writes(ebay_case: Path,
                                                 built_ebay: BuildResult) -> None:
    text = orderpack.dispute_text(ebay_case, TODAY)
    built = built_ebay  # the same sample, built on the same day
    assert text.text == built.dispute_text.read_text(encoding="utf-8")
    assert (text.characters, text.limit, text.fits) == (built.characters, built.char_limit, True)
