"""The dispute narrative: sentence marks, paragraphs, and fitting to a character limit."""

from __future__ import annotations

from orderpack import narrative

RENDERED = """First essential sentence.
[drop:2] Second, droppable.

[drop:5]   Third,   with   spaces.
Fourth essential.
[drop:5] Fifth, same rank as third.
"""


def test_parse_reads_marks_and_paragraphs() -> None:
    result = narrative.parse(RENDERED)
    assert [[s.drop for s in p] for p in result.paragraphs] == [[None, 2], [5, None, 5]]
    assert result.paragraphs[1][0].text == "Third, with spaces."
    assert result.text == (
        "First essential sentence. Second, droppable.\n\n"
        "Third, with spaces. Fourth essential. Fifth, same rank as third.\n"
    )


def test_text_has_no_hard_wraps_or_trailing_spaces() -> None:
    text = narrative.parse(RENDERED).text
    for paragraph in text.strip().split("\n\n"):
        assert "\n" not in paragraph
    assert all(line == line.rstrip() for line in text.splitlines())


def test_fit_without_limit_keeps_everything() -> None:
    result = narrative.fit(narrative.parse(RENDERED), None)
    assert result.dropped == ()
    assert result.fits


def test_fit_drops_highest_rank_and_last_of_equal_rank_first() -> None:
    full = narrative.parse(RENDERED)
    limit = full.characters - 10
    result = narrative.fit(full, limit)
    assert result.dropped == ("Fifth, same rank as third.",)
    assert result.characters <= limit
    tighter = narrative.fit(full, result.characters - 1)
    assert tighter.dropped == ("Fifth, same rank as third.", "Third, with spaces.")


def test_fit_never_drops_unmarked_sentences() -> None:
    result = narrative.fit(narrative.parse(RENDERED), 10)
    assert not result.fits
    assert result.text == "First essential sentence.\n\nFourth essential.\n"
    assert len(result.dropped) == 3


def test_characters_excludes_final_newline() -> None:
    result = narrative.parse("One.\n")
    assert result.text == "One.\n"
    assert result.characters == 4


def test_cap_leaves_out_only_the_marked_sentences_last_first() -> None:
    text = narrative.parse("Kept.\n[drop:7] One " + "a" * 50 + ".\n[drop:7] Two " + "b" * 50
                 + ".\n[drop:2] Optional but kept.\n")
    capped = narrative.cap(text, 80, 7)
    assert capped.text == "Kept. One " + "a" * 50 + ". Optional but kept.\n"
    assert capped.dropped == ("Two " + "b" * 50 + ".",)
    assert narrative.cap(text, 10, 7).text == "Kept. Optional but kept.\n"  # as far as it can
    assert narrative.cap(text, 1000, 7) == text


def test_cap_of_a_thousand_long_sentences_is_quick() -> None:
    text = narrative.parse("Kept.\n" + "".join(f"[drop:7] Reply {n}: {'x' * 1500}.\n"
                                     for n in range(1000)))
    capped = narrative.cap(text, 5000, 7)
    assert 4000 < capped.characters <= 5000
    assert len(capped.dropped) == 997
