"""Budgets, destinations, the fitting ladder, the legibility floor and the estimate model.

No PDF is rendered here (tests/test_fit.py renders): these are the pure parts of fitting.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from PIL import Image

from orderpack import budget, destinations, images, profiles
from orderpack.budget import Budget, Content, Level, Weight, parse_size
from orderpack.errors import ProfileError
from orderpack.overrun import Overrun
from orderpack.words import format_size

# --- sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "count"), [
    ("400KB", 400_000), ("2MB", 2_000_000), ("14.5MB", 14_500_000), ("2 MB", 2_000_000),
    ("400kb", 400_000), ("1.5mb", 1_500_000), ("500k", 500_000), ("1GB", 1_000_000_000),
    ("2MiB", 2 * 1024 * 1024), ("300KiB", 300 * 1024), ("123456", 123_456), ("99B", 99),
    (" 4.5MB ", 4_500_000),
])
def test_parse_size(text: str, count: int) -> None:
    assert parse_size(text) == count


@pytest.mark.parametrize("text", ["", "MB", "2XB", "two MB", "-1MB", "1,5MB", "0KB", "0.0001B",
                                  "1e6", "2 MB MB"])
def test_parse_size_refuses_what_is_no_size(text: str) -> None:
    with pytest.raises(ValueError, match=r"write it like 400KB, 2MB or 14.5MB"):
        parse_size(text)


@pytest.mark.parametrize(("count", "text"), [
    (999, "999 bytes"), (1000, "1 KB"), (378_848, "379 KB"), (2_000_000, "2 MB"),
    (1_562_048, "1.6 MB"), (14_500_000, "14.5 MB")])
def test_format_size_is_decimal_like_parse_size(count: int, text: str) -> None:
    assert format_size(count) == text


# --- destinations and budgets ----------------------------------------------------------------


def test_destinations_are_the_platforms_and_the_data_file() -> None:
    known = destinations.available()
    assert set(profiles.available()) <= set(known)
    assert {"card-visa", "card-mastercard", "stripe", "paypal", "aliexpress"} <= set(known)


def test_destination_figures_come_from_the_research_notes() -> None:
    mastercard = destinations.load("card-mastercard").limits
    assert (mastercard.total_max_bytes, mastercard.max_pages) == (14_500_000, 19)
    stripe = destinations.load("stripe").limits
    assert (stripe.total_max_bytes, stripe.attachment_max_bytes) == (4_500_000, 5_000_000)
    assert stripe.max_pages == 49  # "under 50 pages"
    visa = destinations.load("card-visa").limits
    assert visa.attachment_max_bytes == 2_000_000
    assert visa.sources["attachment_max_bytes"].unconfirmed
    assert visa.total_max_bytes is None
    assert visa.max_pages is None
    paypal = destinations.load("paypal")  # the platform profile
    assert paypal.limits.attachment_max_bytes == 10_000_000
    assert not destinations.load("aliexpress").known


def test_every_destination_figure_has_its_source() -> None:
    data = yaml.safe_load(destinations.DESTINATIONS_FILE.read_text(encoding="utf-8"))
    for name, entry in data.items():
        for limit, figure in entry["limits"].items():
            assert figure["source"], (name, limit)
            assert figure["checked"], (name, limit)
            if figure["value"] is not None and "merchant side" in figure["source"]:
                assert figure.get("unconfirmed"), (name, limit)


def test_an_unknown_destination_names_the_known_ones() -> None:
    with pytest.raises(ProfileError, match=r"no destination named 'nowhere'; known: aliexpress"):
        destinations.load("nowhere")


def test_budget_of_a_destination_and_what_the_command_line_overrides() -> None:
    mastercard = destinations.load("card-mastercard")
    limits = budget.resolve(mastercard)
    assert limits is not None
    assert (limits.file_bytes, limits.total_bytes, limits.total_pages) == (None, 14_500_000, 19)
    assert (limits.pdf_bytes, limits.pdf_pages) == (14_500_000, 19)
    assert limits.describe() == ("14.5 MB in total, 19 pages in total, as a Mastercard "
                                 "chargeback through your bank takes (unconfirmed)")
    given = budget.resolve(mastercard, max_bytes=2_000_000, max_pages=30)
    assert given is not None
    assert (given.file_bytes, given.total_bytes, given.file_pages, given.total_pages) == (
        2_000_000, None, 30, None)
    assert given.describe() == "2 MB per file, 30 pages per file (--max-size, --max-pages)"
    only_size = budget.resolve(mastercard, max_bytes=400_000)
    assert only_size is not None
    assert only_size.total_pages == 19


def test_no_budget_where_no_limit_is_known() -> None:
    assert budget.resolve(None) is None
    assert budget.resolve(destinations.load("aliexpress")) is None
    plain = budget.resolve(None, max_bytes=400_000)
    assert plain is not None
    assert plain.describe() == "400 KB per file (--max-size)"


# --- the legibility floor ------------------------------------------------------------------


def test_phone_screenshots_keep_640_pixels_of_width() -> None:
    # 11-pt phone text has an x-height of 5.8 pt: at 640 px for a screen 412 pt wide it
    # is 9 px tall.
    assert 5.8 * images.SCREENSHOT_MIN_WIDTH / 412 >= 9.0
    assert images.legible_size((832, 1800), screenshot=True) == (640, 1385)
    assert images.legible_size((600, 1300), screenshot=True) == (600, 1300)  # never larger
    assert images.budget_size((832, 1800), 0.85, screenshot=True) == (707, 1530)
    assert images.budget_size((832, 1800), 0.0, screenshot=True) == (640, 1385)
    assert images.budget_size((832, 1800), 0.5, screenshot=True) == (640, 1385)


def test_landscape_screenshots_are_not_shrunk_by_a_budget() -> None:
    # A computer's screenshot: its text is small already.
    assert images.legible_size((1350, 759), screenshot=True) == (1350, 759)
    assert images.budget_size((1350, 759), 0.0, screenshot=True) == (1350, 759)


def test_photos_keep_150_pixels_per_inch() -> None:
    assert images.legible_size((1350, 1800), screenshot=False) == (1012, 1349)
    assert images.legible_size((1350, 1013), screenshot=False) == (1012, 759)
    assert images.legible_size((800, 600), screenshot=False) == (800, 600)


def test_processing_at_the_floor() -> None:
    sample = Path(__file__).resolve().parent.parent / "samples" / "aliexpress-missing"
    shot = images.process(sample / "screenshots" / "chat.png", "chat.png",
                          settings=images.Settings(scale=0.0, colors=8,
                                                   grayscale_screenshots=True))
    assert (shot.width, shot.height, shot.media_type) == (640, 1385, "image/png")
    with Image.open(io.BytesIO(shot.data)) as image:
        assert image.mode == "P"
        palette = image.getpalette() or []
        colours = {tuple(palette[i:i + 3]) for i in range(0, len(palette), 3)}
        assert all(r == g == b for r, g, b in colours)  # greyscale
    photo = images.process(sample / "photos" / "mailbox.jpg", "mailbox.jpg",
                           settings=images.Settings(scale=0.0, jpeg_quality=30,
                                                    grayscale_screenshots=True))
    assert (photo.width, photo.height, photo.media_type) == (1012, 1349, "image/jpeg")
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.mode == "RGB"  # photos keep their colours


def test_the_budget_knobs_are_part_of_the_cache_key() -> None:
    keys = [images.Settings().key(), images.Settings(scale=0.0).key(),
            images.Settings(grayscale_screenshots=True).key()]
    assert len({str(sorted(key.items())) for key in keys}) == 3


# --- the ladder ------------------------------------------------------------------------------


def test_the_ladder_starts_with_the_plain_build_and_only_loses_more() -> None:
    rungs = budget.ladder(attach=False)
    assert rungs[0] == Level()
    assert rungs[0].steps(attach=False) == ()
    # No rung is free any more: the first after the plain build already loses resolution.
    assert rungs[1].steps(attach=False) == ("lowered the pictures' resolution to 85%",)
    previous = rungs[0]
    for rung in rungs[1:]:
        assert rung != previous
        assert not rung.attach
        assert rung.settings.scale <= previous.settings.scale  # 0 is the floor, the least
        assert rung.settings.jpeg_quality <= previous.settings.jpeg_quality
        assert rung.settings.colors <= previous.settings.colors
        assert rung.settings.grayscale_screenshots >= previous.settings.grayscale_screenshots
        steps = rung.steps(attach=False)
        assert steps
        assert len(steps) >= len(previous.steps(attach=False))
        previous = rung
    last = rungs[-1].settings
    assert (last.scale, last.jpeg_quality, last.colors, last.grayscale_screenshots) == (
        0.0, 30, 8, True)
    assert not last.grayscale  # photos keep their colours
    assert rungs[-1].compact
    assert not any(rung.compact for rung in rungs[:-1])


def test_quality_drops_only_once_the_resolution_is_at_the_legibility_floor() -> None:
    default, floor_alone = images.Settings(), 0
    for rung in budget.ladder(attach=False):
        settings = rung.settings
        if (settings.jpeg_quality < default.jpeg_quality or settings.colors < default.colors
                or settings.grayscale_screenshots):
            assert settings.scale == 0.0, rung
        elif settings.scale == 0.0:
            floor_alone += 1
    assert floor_alone  # the floor is tried on its own before any quality is lost


def test_attachments_go_before_any_picture_loses_anything() -> None:
    rungs = budget.ladder(attach=True)
    assert rungs[0].attach
    assert not rungs[1].attach
    assert rungs[1].settings == images.Settings()
    assert rungs[1].steps(attach=True) == (
        "left out the --attach attachments (copies of the exhibits; every exhibit is still "
        "shown)",)
    assert all(rung.steps(attach=True)[0].startswith("left out the --attach attachments")
               for rung in rungs[1:])
    # Then the same rungs as a build without --attach.
    assert rungs[1:] == budget.ladder(attach=False)


# --- the estimate ------------------------------------------------------------------------------


def _content(messages: int = 4, events: int = 5, **changes: object) -> Content:
    content = Content(
        narrative=("I am opening this dispute because the parcel never came. " * 4,) * 4,
        index=(("Tracking page, no update since 14 September", "screenshots/tracking.png"),),
        events=(("Guangzhou, CN", "Departed from country of origin"),) * events,
        messages=(("Where is my parcel? It has not moved for weeks.",
                   "亲，请耐心等待。包裹还在路上。"),) * messages,
        cjk=True,
    )
    return replace(content, **changes)  # type: ignore[arg-type]


def _weight(label: str, pdf_bytes: int, pages: int = 1) -> Weight:
    return Weight(label=label, caption=f"Exhibit {label}", source=f"{label}.png",
                  kind="image", pages=pages, file_bytes=pdf_bytes, pdf_bytes=pdf_bytes)


def test_more_text_takes_more_pages_and_compact_takes_fewer() -> None:
    few, many = _content(messages=4), _content(messages=80)
    assert budget.text_pages(few) == 3
    assert budget.text_pages(many) > budget.text_pages(few)
    assert budget.text_pages(many, compact=True) < budget.text_pages(many)
    assert budget.text_pages(many, transcript=False) == 2


def test_estimate_adds_the_exhibits_the_fonts_and_the_attachments() -> None:
    content = _content()
    weights = [_weight("A", 100_000), _weight("B", 50_000, pages=3)]
    plain = budget.estimate(content, weights, Level())
    assert plain.pages == budget.text_pages(content) + 4
    latin = budget.estimate(replace(content, cjk=False), weights, Level())
    assert plain.bytes - latin.bytes == 146_000  # the CJK font
    attached = budget.estimate(content, weights, Level(attach=True))
    assert attached.bytes - plain.bytes == 150_000 + 2 * 600
    calibrated = budget.estimate(content, weights, Level(),
                                 calibration=budget.Calibration(bytes=-5_000, pages=1))
    assert calibrated.pages == plain.pages + 1
    assert calibrated.bytes == plain.bytes - 5_000 + 3_000  # and that page's own bytes


def test_plan_keeps_one_file_when_it_fits_and_none_when_it_does_not() -> None:
    content = _content()
    weights = [_weight(label, 200_000) for label in "ABCD"]
    whole = budget.estimate(content, weights, Level())
    fits = budget.plan(content, weights, Level(), Budget(file_bytes=whole.bytes), split=False)
    assert fits is not None
    assert [part.labels for part in fits] == [("A", "B", "C", "D")]
    assert budget.plan(content, weights, Level(), Budget(file_bytes=whole.bytes - 1),
                       split=False) is None


def test_plan_splits_in_order_each_part_within_the_budget() -> None:
    content = _content()
    weights = [_weight(label, 200_000) for label in "ABCDE"]
    limits = Budget(file_bytes=700_000)
    parts = budget.plan(content, weights, Level(), limits, split=True)
    assert parts is not None
    assert [label for part in parts for label in part.labels] == list("ABCDE")
    assert parts[0].transcript
    assert not any(part.transcript for part in parts[1:])
    assert all(part.estimate.bytes <= 700_000 for part in parts)
    assert len(parts) > 1


def test_plan_gives_up_on_an_exhibit_too_large_for_a_part_of_its_own() -> None:
    content = _content()
    weights = [_weight("A", 100_000), _weight("B", 900_000)]
    assert budget.plan(content, weights, Level(), Budget(file_bytes=700_000), split=True) is None


def test_plan_respects_totals_and_the_count_of_files() -> None:
    content = _content()
    weights = [_weight(label, 200_000) for label in "ABCDE"]
    assert budget.plan(content, weights, Level(), Budget(file_bytes=700_000,
                                                         total_bytes=1_000_000),
                       split=True) is None
    assert budget.plan(content, weights, Level(), Budget(file_bytes=700_000, max_files=2),
                       split=True) is None


# --- the report ---------------------------------------------------------------------------------


def test_the_overrun_report_says_how_far_over_what_weighs_most_and_what_to_do() -> None:
    limits = Budget(file_bytes=100_000, given=("max_size",))
    report = Overrun(
        budget=limits, files=(("evidence.pdf", 379_000, 7),),
        heaviest=(_weight("A", 52_000), _weight("C", 47_000)), split=False, splittable=True,
        text_bytes=190_000)
    assert report.message().splitlines() == [
        "the evidence cannot be fitted into 100 KB per file (--max-size), even with every "
        "exhibit at the least resolution and quality that stays legible:",
        "  evidence.pdf: 379 KB, 7 pages — 279 KB over",
        "The heaviest exhibits:",
        "  A  Exhibit A     52 KB",
        "  C  Exhibit C     47 KB",
        "  (the text pages with their fonts weigh 190 KB)",
        "What you can do:",
        "  - split the bundle into several PDF files, each within the limit: add --split",
        "  - leave out an exhibit you can do without (remove it from `evidence` in the order "
        "file), e.g. exhibit A",
        "  - if the place you upload to takes more, raise the budget: --max-size 380KB",
        "Nothing was written; the previous packet, if any, is unchanged.",
    ]


def test_the_overrun_report_of_pages() -> None:
    limits = Budget(file_pages=14, given=("max_pages",))
    report = Overrun(budget=limits, files=(("evidence.pdf", 3_700_000, 15),),
                            heaviest=(), split=False, estimated=True)
    lines = report.message().splitlines()
    assert lines[0].endswith("even with the tracking history and the conversation in "
                             "smaller type:")
    assert lines[1] == "  evidence.pdf: about 3.7 MB, about 15 pages — 1 page over"
    assert "  - if the place you upload to takes more pages: --max-pages 15" in lines
    assert not any("--split" in line for line in lines)


# --- the estimate's columns are the stylesheet's -------------------------------------------


def _css_rules() -> list[tuple[list[str], str]]:
    """templates/evidence.css as (selectors, declarations), comments left out."""
    css = (Path(__file__).resolve().parent.parent / "templates" / "evidence.css").read_text(
        encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [([selector.strip() for selector in selectors.split(",")], body)
            for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def _mm(body: str, name: str) -> list[float]:
    found = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", body)
    assert found is not None, f"no {name} in {body!r}"
    return [float(value.removesuffix("mm")) for value in found.group(1).split()]


def test_the_estimates_column_widths_are_the_stylesheets() -> None:
    """The page estimate assumes the tables' column widths and cell padding, and the
    messages' padding, of templates/evidence.css: changing one without the other fails
    here."""
    widths: dict[tuple[str, int], float] = {}
    padding: dict[str, list[float]] = {}
    fixed: set[str] = set()
    for selectors, body in _css_rules():
        for selector in selectors:
            if re.search(r"table-layout\s*:\s*fixed", body):
                fixed.add(selector)
            column = re.fullmatch(r"table\.(\w+) th:nth-child\((\d+)\)", selector)
            if column and column.group(1) in budget.COLUMNS_MM and "width" in body:
                widths[(column.group(1), int(column.group(2)) - 1)] = _mm(body, "width")[0]
            if selector in ("th", "html.compact table.events td", "div.message",
                            "html.compact div.message") and "padding" in body:
                padding[selector] = _mm(body, "padding")
    expected = {(table, number): width for table, columns in budget.COLUMNS_MM.items()
                for number, width in enumerate(columns) if width is not None}
    assert widths == expected
    # Laid out with those widths (table-layout: fixed), not from their cells' contents.
    assert {f"table.{table}" for table in budget.COLUMNS_MM} <= fixed
    assert padding == {"th": list(budget.CELL_PADDING_MM),
                       "html.compact table.events td": list(budget.COMPACT_CELL_PADDING_MM),
                       "div.message": list(budget.MESSAGE_PADDING_MM),
                       "html.compact div.message": list(budget.COMPACT_MESSAGE_PADDING_MM)}


def test_the_text_column_takes_what_the_others_leave() -> None:
    content = budget.Content(narrative=(), index=(("x " * 400, "x.png"),), events=(),
                             messages=(), cjk=False, content_width_mm=174.0)
    narrower = replace(content, content_width_mm=174.0 - 40)
    assert budget.text_pages(narrower) >= budget.text_pages(content)
    # 174 mm of text, less 102 mm of fixed columns and 5 cells' 2 mm on either side.
    assert budget.column_mm("exhibits", 1, 174.0) == 174.0 - 102 - 20
    assert budget.column_mm("events", 2, 174.0, compact=True) == 174.0 - 74 - 9
