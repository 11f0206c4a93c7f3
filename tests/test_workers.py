"""The suite's own set-up: tests that share one expensive fixture run on one worker."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("probe")
def test_a_group_mark_reaches_the_scheduler(request: pytest.FixtureRequest) -> None:
    # pytest-xdist's loadgroup sends a test to its group's worker by the group name it adds
    # to the test's id; when that name is lost (pytest-dev/pytest-xdist#1386), the browser
    # journey and the other grouped fixtures are built on every worker instead of once.
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("the suite is not distributed by group (pytest -n 0, or -p no:xdist)")
    assert request.node.nodeid.endswith("@probe")
