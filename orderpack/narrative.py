"""The dispute narrative: sentences from the template, fitted to a character limit.

The template writes one sentence per line and a blank line between paragraphs. A
sentence may carry a ``[drop:N]`` mark: to fit a limit, marked sentences are
dropped highest N first (the last of equal N first); unmarked ones never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r"^\[drop:(\d+)\]\s*")


@dataclass(frozen=True)
class Sentence:
    text: str
    drop: int | None
    """None: never dropped. Otherwise the higher, the sooner it goes."""


@dataclass(frozen=True)
class Narrative:
    paragraphs: tuple[tuple[Sentence, ...], ...]
    dropped: tuple[str, ...] = ()
    """Sentences left out to fit the limit, in the order they were dropped."""
    limit: int | None = None

    @property
    def text(self) -> str:
        """Plain paragraphs separated by one blank line; no wrapping, no trailing spaces."""
        return "\n\n".join(
            " ".join(sentence.text for sentence in paragraph) for paragraph in self.paragraphs
        ) + "\n"

    @property
    def characters(self) -> int:
        """Characters as a web form counts them (the final newline excluded)."""
        return len(self.text) - 1

    @property
    def fits(self) -> bool:
        return self.limit is None or self.characters <= self.limit


def parse(rendered: str) -> Narrative:
    """Split the template's output into paragraphs of sentences, reading the marks."""
    paragraphs: list[tuple[Sentence, ...]] = []
    current: list[Sentence] = []
    for raw in rendered.splitlines():
        line = re.sub(r"[ \t]+", " ", raw).strip(" \t")  # a no-break space stays
        if not line:
            if current:
                paragraphs.append(tuple(current))
                current = []
            continue
        match = _MARK.match(line)
        if match:
            current.append(Sentence(line[match.end():], int(match[1])))
        else:
            current.append(Sentence(line, None))
    if current:
        paragraphs.append(tuple(current))
    return Narrative(paragraphs=tuple(paragraphs))


def fit(narrative: Narrative, limit: int | None) -> Narrative:
    """Drop the least important sentences until the text has at most ``limit`` characters."""
    result = Narrative(narrative.paragraphs, limit=limit)
    if limit is None:
        return result
    paragraphs = [list(paragraph) for paragraph in narrative.paragraphs]
    dropped: list[str] = []
    while Narrative(_freeze(paragraphs)).characters > limit:
        candidates = [
            (sentence.drop, p, s)
            for p, paragraph in enumerate(paragraphs)
            for s, sentence in enumerate(paragraph)
            if sentence.drop is not None
        ]
        if not candidates:
            break
        _, p, s = max(candidates)
        dropped.append(paragraphs[p].pop(s).text)
    return Narrative(_freeze(paragraphs), dropped=tuple(dropped), limit=limit)


def cap(narrative: Narrative, limit: int, rank: int) -> Narrative:
    """Leave out the sentences marked ``[drop:rank]``, the last first, until the text has at
    most ``limit`` characters or none of them is left; no other sentence is touched.

    For a text without a known limit that would still be far too long for any form: the
    quoted replies of a long conversation (the template marks them ``[drop:7]``).
    """
    paragraphs = [list(paragraph) for paragraph in narrative.paragraphs]
    excess = narrative.characters - limit
    dropped: list[str] = []
    marked = [(p, s) for p, paragraph in enumerate(paragraphs)
              for s, sentence in enumerate(paragraph) if sentence.drop == rank]
    for p, s in reversed(marked):  # from the end, so the indexes before stay right
        if excess <= 0:
            break
        sentence = paragraphs[p].pop(s)
        excess -= len(sentence.text) + 1  # and the space or line break before it
        dropped.append(sentence.text)
    return Narrative(_freeze(paragraphs), dropped=(*narrative.dropped, *dropped),
                     limit=narrative.limit)

def overrun(narrative: Narrative) -> str:
    """Why ``narrative`` (fitted, still too long) cannot be fitted: which sentences could not
    be left out, and what the buyer can do. For a :class:`~orderpack.errors.BudgetError`."""
    kept = [sentence.text for paragraph in narrative.paragraphs for sentence in paragraph
            if sentence.drop is None]
    lines = [f"the dispute text cannot be fitted into {narrative.limit:,} characters: with "
             f"every optional sentence left out it still has {narrative.characters:,}. These "
             "sentences cannot be left out (the order, the dates and the request):"]
    lines += [f"  - {text} ({len(text):,} characters)" for text in kept]
    lines += ["What you can do:",
              "  - if the form takes more, give its real limit: --max-chars N",
              "  - shorten the store name or the item titles in the order file, which the "
              "first sentence quotes",
              "Nothing was written; the previous packet, if any, is unchanged."]
    return "\n".join(lines)


def _freeze(paragraphs: list[list[Sentence]]) -> tuple[tuple[Sentence, ...], ...]:
    return tuple(tuple(paragraph) for paragraph in paragraphs if paragraph)
