"""The timeline judged row by row from tests/timeline_table.yaml (see its header)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from orderpack import profiles
from orderpack.model import OrderFile
from orderpack.timeline import Status, compute

TABLE = yaml.safe_load((Path(__file__).parent / "timeline_table.yaml").read_text("utf-8"))


def case_fields(name: str) -> dict[str, Any]:
    """A case's fields, with those of the case it is ``like``."""
    fields = dict(TABLE["cases"][name])
    base = fields.pop("like", None)
    return {**case_fields(base), **fields} if base else fields


def order_file(fields: dict[str, Any]) -> OrderFile:
    shipping: dict[str, Any] = {"delivery_deadline": fields["deadline"]}
    for key, name in (("shipped", "shipped"), ("protection_ends", "protection_ends")):
        if fields.get(key):
            shipping[name] = fields[key]
    order: dict[str, Any] = {"number": "1", "placed": fields["placed"], "store": "Shop",
                             "items": [{"title": "Hub"}], "total": "10.00", "currency": "EUR"}
    if fields.get("payment"):
        order["payment"] = fields["payment"]
    data: dict[str, Any] = {"platform": fields["platform"], "buyer": {"name": "Jane Doe"},
                            "order": order, "shipping": shipping}
    if fields.get("events"):
        data["tracking"] = {"events": [{"at": at, "status": "Moved"} for at in fields["events"]]}
    if fields.get("wrote"):
        data["messages"] = [{"at": fields["wrote"], "from": "buyer", "text": "Where is it?"}]
    if fields.get("opened"):
        data["dispute"] = {"opened": fields["opened"]}
    return OrderFile.model_validate(data)


def said(result: Status) -> str:
    return "\n".join([result.headline or "", result.stage_text, result.next_action.text,
                      *result.warnings])


ROWS = TABLE["rows"]


@pytest.mark.parametrize("row", ROWS, ids=[f"{row['case']}-{row['today']}" for row in ROWS])
def test_row(row: dict[str, Any]) -> None:
    fields = case_fields(row["case"])
    result = compute(order_file(fields), profiles.load(fields["platform"]), row["today"])
    text = said(result)
    assert (result.stage, result.next_action.id, result.next_action.due) == (
        row["stage"], row["action"], row["due"]), text
    for words in row.get("has", []):
        assert words in text
    for words in row.get("lacks", []):
        assert words not in text


def test_the_table_covers_every_platform_and_stage() -> None:
    platforms = {case_fields(row["case"])["platform"] for row in ROWS}
    assert platforms == set(profiles.available())
    assert len(platforms) == 6
    stages = {row["stage"] for row in ROWS}
    assert stages >= {"waiting", "overdue", "dispute_window", "last_days", "dispute_open",
                      "escalation", "window_closed", "closed"}
    assert all(isinstance(row["today"], date) for row in ROWS)
