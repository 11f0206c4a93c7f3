"""Platform profiles: the shipped files, the typed view of them, and malformed files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from orderpack import profiles
from orderpack.errors import ProfileError

PLATFORMS = ["aliexpress", "amazon", "card", "ebay", "etsy", "paypal"]


def test_the_six_platforms_are_shipped() -> None:
    assert profiles.available() == PLATFORMS


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_shipped_profile_loads_and_accepts_not_received(platform: str) -> None:
    profile = profiles.load(platform)
    assert profile.id == platform
    assert "not_received" in profile.reason_ids
    assert "full_refund" in profile.remedies
    assert "open_dispute_by" in profile.rule_ids
    assert profile.path == profiles.PLATFORMS_DIR / f"{platform}.yaml"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_statement_has_a_source_and_a_check_date(platform: str) -> None:
    profile = profiles.load(platform)
    sourced = [*profile.rules, *profile.advice, profile.reasons_source, profile.remedies_source,
               *profile.limits.sources.values()]
    for item in sourced:
        assert item.source.strip()
        assert date(2026, 1, 1) <= item.checked <= date(2026, 11, 29)
    assert set(profile.limits.sources) == {
        "description_chars", "attachment_types", "attachment_max_bytes",
        "attachments_max_count", "total_max_bytes", "max_pages"}


@pytest.mark.parametrize("platform", [p for p in PLATFORMS if p != "card"])
def test_platforms_fall_back_to_a_card_chargeback(platform: str) -> None:
    profile = profiles.load(platform)
    assert profile.fallback is not None
    assert profile.fallback.date_id == "chargeback_by"
    fallback = profiles.fallback_of(profile)
    assert fallback is not None
    assert fallback.id == "card"
    assert profiles.fallback_of(fallback) is None


def test_aliexpress_keeps_the_reason_ids_orders_rely_on() -> None:
    profile = profiles.load("aliexpress")
    assert profile.name == "AliExpress"
    assert profile.reason_ids == [
        "not_received", "no_tracking_update", "still_in_transit", "returned_to_sender",
        "held_at_customs", "no_tracking_info", "delivered_not_received"]
    assert profile.reasons[1].label == "No tracking update"
    assert profile.remedies == ["full_refund", "refund_and_return"]
    assert profile.steps == ["seller", "extension", "escalate", "chargeback"]
    assert profile.window_closes == "protection_ends"


def test_aliexpress_rules_follow_the_seed_guide() -> None:
    rules = {rule.id: rule for rule in profiles.load("aliexpress").rules}
    assert (rules["request_extension_by"].anchor, rules["request_extension_by"].days) == (
        "protection_ends", -10)
    assert (rules["open_dispute_by"].anchor, rules["open_dispute_by"].days) == (
        "protection_ends", -5)
    assert (rules["seller_reply_due"].anchor, rules["seller_reply_due"].days) == ("opened", 5)
    assert rules["tracking_updates_by"].days == 7
    assert "step 9" in rules["open_dispute_by"].source
    assert not rules["open_dispute_by"].unconfirmed
    # secondary sources are flagged
    assert rules["earliest_dispute"].unconfirmed
    assert rules["protection_ends"].unconfirmed


def test_only_aliexpress_offers_an_extension() -> None:
    assert [p for p in PLATFORMS if "extension" in profiles.load(p).steps] == ["aliexpress"]
    assert "escalate" not in profiles.load("card").steps


def test_limits_are_typed_with_null_where_unknown() -> None:
    card = profiles.load("card").limits
    assert card.max_pages == 19
    assert card.total_max_bytes == 14_500_000
    assert card.attachment_types == ("jpeg", "jpg", "tiff", "pdf")
    assert card.sources["max_pages"].unconfirmed
    paypal = profiles.load("paypal").limits
    assert paypal.attachment_max_bytes == 10_000_000
    assert paypal.total_max_bytes == 50_000_000
    assert paypal.attachment_types == ("jpg", "jpeg", "gif", "png", "pdf")
    aliexpress = profiles.load("aliexpress").limits
    assert aliexpress.description_chars is None
    assert aliexpress.attachment_types is None
    assert aliexpress.sources["attachment_types"].note == (
        "the form takes images; videos must be zipped")


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(ProfileError, match="no platform profile named 'wish'; known: aliexpress"):
        profiles.load("wish")


def test_a_profile_can_be_read_from_another_folder(tmp_path: Path) -> None:
    shutil.copy(profiles.PLATFORMS_DIR / "card.yaml", tmp_path / "card.yaml")
    text = (profiles.PLATFORMS_DIR / "ebay.yaml").read_text(encoding="utf-8")
    (tmp_path / "shop.yaml").write_text(
        text.replace("id: ebay", "id: shop").replace("name: eBay", "name: Shop"),
        encoding="utf-8")
    assert profiles.available(tmp_path) == ["card", "shop"]
    shop = profiles.load("shop", tmp_path)
    assert shop.name == "Shop"
    fallback = profiles.fallback_of(shop)
    assert fallback is not None
    assert fallback.path == tmp_path / "card.yaml"


# --- malformed profiles: the error names the file, the line and the field ------------------

GOOD = (profiles.PLATFORMS_DIR / "ebay.yaml").read_text(encoding="utf-8")


def _write(folder: Path, text: str, name: str = "ebay") -> Path:
    shutil.copy(profiles.PLATFORMS_DIR / "card.yaml", folder / "card.yaml")
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(folder: Path, name: str = "ebay") -> list[str]:
    with pytest.raises(ProfileError) as caught:
        profiles.load(name, folder)
    assert str(folder / f"{name}.yaml") in str(caught.value)
    return [str(problem) for problem in caught.value.problems]


def test_the_unchanged_copy_loads(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    assert profiles.load("ebay", tmp_path).name == "eBay"


def test_a_rule_without_source_names_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace(
        '    source: "eBay help, resolving problems: up to 30 calendar days after the latest '
        'estimated delivery date"\n', ""))
    [problem] = _problems(tmp_path)
    assert problem.startswith(f"{path}:")
    assert "rules[1].source: Field required" in problem


def test_an_unknown_anchor_names_the_rule_and_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("anchor: delivery_deadline\n    days: 30",
                                         "anchor: deliverydeadline\n    days: 30"))
    line = GOOD.splitlines().index("  - id: open_dispute_by") + 3
    [problem] = _problems(tmp_path)
    assert problem.startswith(f"{path}:{line}:")
    assert "rules[1].anchor: 'deliverydeadline' is neither an order date nor an earlier rule" \
        in problem
    assert "use one of: placed, shipped, delivery_deadline" in problem


def test_a_rule_cannot_count_from_a_later_rule(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("anchor: delivery_deadline\n    days: 1",
                                  "anchor: open_dispute_by\n    days: 1"))
    [problem] = _problems(tmp_path)
    assert "rules[0].anchor: 'open_dispute_by' is neither an order date nor an earlier rule" \
        in problem


def test_a_rule_needs_exactly_one_offset(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("    days: 30\n", "    days: 30\n    business_days: 20\n"))
    [problem] = _problems(tmp_path)
    assert "rules[1]: Value error, give exactly one of `days` or `business_days`" in problem


def test_a_misspelt_key_is_named(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("    days: 30\n", "    dayz: 30\n"))
    problems = _problems(tmp_path)
    assert any("rules[1].dayz: Extra inputs are not permitted" in p for p in problems)


def test_a_limit_of_the_wrong_type_is_named(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("  max_pages:\n    value: null",
                                  "  max_pages:\n    value: twelve"))
    [problem] = _problems(tmp_path)
    assert "limits.max_pages.value: Input should be a valid integer" in problem


def test_a_missing_limit_is_named(tmp_path: Path) -> None:
    start = GOOD.index("  max_pages:\n")
    _write(tmp_path, GOOD[:start])
    [problem] = _problems(tmp_path)
    assert "limits.max_pages: Field required" in problem


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, name="ebay2")
    [problem] = _problems(tmp_path, "ebay2")
    assert "id: the id 'ebay' differs from the file name — use `id: ebay2`" in problem


def test_the_last_day_rule_is_required(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("id: open_dispute_by", "id: report_by"))
    problems = _problems(tmp_path)
    assert any("rules: there is no rule `open_dispute_by`" in p for p in problems)
    # window_closes defaults to open_dispute_by, so it is reported too
    assert any("window_closes: 'open_dispute_by' is neither an order date nor a rule" in p
               for p in problems)


def test_the_fallback_must_be_another_profile(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("  profile: card", "  profile: bank"))
    [problem] = _problems(tmp_path)
    assert "fallback.profile: 'bank' is not another platform profile" in problem


def test_an_unknown_step_is_named(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("steps: [seller, escalate, chargeback]",
                                  "steps: [seller, complain]"))
    [problem] = _problems(tmp_path)
    assert "steps[1]: Input should be 'seller', 'extension', 'escalate' or 'chargeback'" \
        in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("    days: 30\n", "    dayz: 30\n").replace(
        "  max_pages:\n    value: null", "  max_pages:\n    value: -3"))
    problems = _problems(tmp_path)
    assert any("rules[1].dayz" in p for p in problems)
    assert any("limits.max_pages.value" in p for p in problems)


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("name: eBay", "name: 'eBay"))
    [problem] = _problems(tmp_path)
    assert problem.startswith(f"{path}:")
    assert "not valid YAML" in problem


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_rule_is_explained_with_its_source_and_check_date(platform: str) -> None:
    profile = profiles.load(platform)
    explained = profiles.explain(profile)
    assert {item.id for item in explained if item.kind == "date"} == set(profile.rule_ids)
    for item in explained:
        assert item.source.strip()
        assert item.says.strip()
        assert date(2026, 1, 1) <= item.checked <= date(2026, 11, 29)
        assert item.url is None or item.url.startswith("https://")
    assert any(item.kind == "upload" for item in explained)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_unconfirmed_figure_reaches_the_reviewer(platform: str) -> None:
    assert not [rule.id for rule in profiles.load(platform).rules
                if rule.unconfirmed and rule.public]


def test_counting_says_from_which_date_a_rule_counts() -> None:
    aliexpress = profiles.load("aliexpress")
    rules = {rule.id: rule for rule in aliexpress.rules}
    assert profiles.counting(rules["open_dispute_by"], aliexpress) == (
        "5 days before “Buyer Protection ends”")
    ebay = profiles.load("ebay")
    reply = next(rule for rule in ebay.rules if rule.id == "seller_reply_due")
    assert profiles.counting(reply, ebay) == "3 business days after “Case opened”"
    etsy = profiles.load("etsy")
    earliest = next(rule for rule in etsy.rules if rule.id == "earliest_dispute")
    assert profiles.counting(earliest, etsy) == (
        "1 day after “Estimated delivery date”, and never before “48 hours after your first "
        "message to the seller”")


def test_etsy_has_no_seller_side_coverage_figure_and_amazon_marks_its_unsourced_ones() -> None:
    etsy = profiles.load("etsy")
    assert not any("250" in advice.text for advice in etsy.advice)
    amazon = profiles.load("amazon")
    appeal = next(advice for advice in amazon.advice if "appeal" in advice.text)
    assert appeal.unconfirmed
    decision = next(rule for rule in amazon.rules if rule.id == "decision_by")
    assert decision.unconfirmed
    assert not decision.public


def test_an_unconfirmed_public_rule_is_refused(tmp_path: Path) -> None:
    text = (profiles.PLATFORMS_DIR / "amazon.yaml").read_text(encoding="utf-8")
    text = text.replace("    days: 14\n    unconfirmed: true\n",
                        "    days: 14\n    unconfirmed: true\n    public: true\n")
    (tmp_path / "amazon.yaml").write_text(text, encoding="utf-8")
    shutil.copy(profiles.PLATFORMS_DIR / "card.yaml", tmp_path / "card.yaml")
    with pytest.raises(ProfileError) as caught:
        profiles.load("amazon", tmp_path)
    assert "an unconfirmed figure cannot be shown to the platform's reviewer" in str(caught.value)
