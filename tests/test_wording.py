"""The planner's sentences are data (an id and parameters) worded by one module."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

import orderpack
from orderpack import wording

TODAY = date(2026, 11, 26)
PACKAGE = Path(__file__).resolve().parent.parent / "orderpack"


def test_a_note_is_its_sentence_and_its_data() -> None:
    note = wording.say("stage.late", deadline_words="promised delivery date",
                       deadline=date(2026, 10, 20), unused="dropped")
    assert note == "Late: the promised delivery date (20 October 2026) has passed."
    assert (note.id, note.params) == ("stage.late", {
        "deadline_words": "promised delivery date", "deadline": date(2026, 10, 20)})
    assert note.as_json() == {"id": "stage.late", "params": {
        "deadline_words": "promised delivery date", "deadline": "2026-10-20"}}
    assert wording.say("compared.before", days=1, deadline=date(2026, 1, 2)) == (
        "1 day before the parcel is due (2 January 2026)")
    assert wording.say("warning.window_ends.open_today", window="Buyer Protection",
                       dispute="dispute", days=1) == (
        "Buyer Protection ends tomorrow: open the dispute today.")


def test_status_sentences_come_from_the_templates(aliexpress_case: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A front end or a translation that rewords a template changes what status says, and
    the ids and parameters let it word the sentence itself."""
    plan = orderpack.status(aliexpress_case, TODAY)
    assert plan.stage_text.id == "stage.time_to_act"
    assert plan.stage_text.params["deadline"] == date(2026, 10, 20)
    assert [w.id for w in plan.warnings] == ["warning.extension_passed",
                                              "warning.window_ends.open_by"]
    assert [n.id for n in wording.parts(plan.next_action.text)][:2] == [
        "action.open_dispute.by", "action.open_dispute.margin"]
    monkeypatch.setitem(wording.TEMPLATES, "stage.time_to_act", "Handeln: {deadline} ist vorbei.")
    assert orderpack.status(aliexpress_case, TODAY).stage_text == (
        "Handeln: 20 October 2026 ist vorbei.")
    data = json.loads(json.dumps(plan.as_json()))
    assert data["notes"]["stage"] == {"id": "stage.time_to_act", "params": {
        "deadline_words": "promised delivery date", "deadline": "2026-10-20"}}


def test_every_template_is_used_and_every_used_id_has_a_template() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py")
                       if path.name != "wording.py")
    used = set(re.findall(r"""say\(\s*(?:f?"([\w.{}]+)"|"([\w.]+)" if)""", source))
    literal = {name for pair in used for name in pair if name and "{" not in name}
    assert literal <= set(wording.TEMPLATES)
    for note_id in wording.TEMPLATES:
        stem = note_id.split(".")[0]
        assert note_id in source or f'"{stem}.' in source or f'"{note_id.rsplit(".", 1)[0]}' \
            in source, f"template {note_id!r} is not used"
