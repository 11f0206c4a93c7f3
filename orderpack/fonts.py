"""Font coverage: warn before a reader sees empty boxes instead of Chinese or Arabic text.

WeasyPrint (through Pango and fontconfig) falls back from font to font on its own;
what it cannot do is draw a script no installed font covers. We ask fontconfig, for
each script in the buyer's text and for the language the PDF itself is written in (its
headings and sentences come from the catalogs: Cyrillic in a Russian packet).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Script:
    name: str
    ranges: tuple[tuple[int, int], ...]
    lang: str
    """A fontconfig language that needs the script."""
    debian: str
    macos: str


_DEJAVU = ("fonts-dejavu-core", "brew install --cask font-dejavu")

SCRIPTS = (
    # Polish letters (ą, ł, ż...) and the rest of Latin Extended-A and -B; fontconfig
    # knows languages, not blocks, and Polish is the language orderpack writes with them.
    Script("Latin Extended", ((0x0100, 0x024F),), "pl", *_DEJAVU),
    Script("Chinese", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)), "zh-cn", "fonts-noto-cjk",
           "brew install --cask font-noto-sans-cjk"),
    Script("Japanese", ((0x3040, 0x30FF),), "ja", "fonts-noto-cjk",
           "brew install --cask font-noto-sans-cjk"),
    Script("Korean", ((0xAC00, 0xD7AF), (0x1100, 0x11FF)), "ko", "fonts-noto-cjk",
           "brew install --cask font-noto-sans-cjk"),
    Script("Cyrillic", ((0x0400, 0x04FF),), "ru", *_DEJAVU),
    Script("Greek", ((0x0370, 0x03FF),), "el", *_DEJAVU),
    Script("Arabic", ((0x0600, 0x06FF),), "ar", "fonts-noto-core",
           "brew install --cask font-noto-sans-arabic"),
    Script("Hebrew", ((0x0590, 0x05FF),), "he", "fonts-noto-core",
           "brew install --cask font-noto-sans-hebrew"),
    Script("Thai", ((0x0E00, 0x0E7F),), "th", "fonts-noto-core",
           "brew install --cask font-noto-sans-thai"),
    Script("emoji", ((0x1F300, 0x1FAFF), (0x2600, 0x27BF)), "und-zsye", "fonts-noto-color-emoji",
           "brew install --cask font-noto-color-emoji"),
)


#: The languages orderpack writes (:data:`orderpack.i18n.SUPPORTED`), as fontconfig names
#: them, for the packet's own sentences: a PDF in Russian needs a font that has Russian.
LANGUAGES = {
    "en": Script("English", (), "en", *_DEJAVU),
    "es": Script("Spanish", (), "es", *_DEJAVU),
    "pt-BR": Script("Portuguese", (), "pt", *_DEJAVU),
    "fr": Script("French", (), "fr", *_DEJAVU),
    "de": Script("German", (), "de", *_DEJAVU),
    "pl": Script("Polish", (), "pl", *_DEJAVU),
    "ru": Script("Russian", (), "ru", *_DEJAVU),
}

_LOWEST = min(low for script in SCRIPTS for low, _ in script.ranges)


def scripts_in(texts: Iterable[str]) -> list[Script]:
    """The scripts above that occur in ``texts``."""
    points = {ord(char) for text in texts for char in text if ord(char) >= _LOWEST}
    return [
        script for script in SCRIPTS
        if any(low <= point <= high for point in points for low, high in script.ranges)
    ]


@cache
def _covered(lang: str) -> bool | None:
    """Whether an installed font covers ``lang``; None when fontconfig cannot be asked."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run([fc_list, f":lang={lang}", "family"], capture_output=True,
                                text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(result.stdout.strip())


def missing_font_warnings(texts: Iterable[str], language: str | None = None) -> list[str]:
    """One warning per script in ``texts``, and for ``language`` (the tag of the language
    the PDF is written in), that no installed font can draw."""
    needed = [(f"{script.name} text,", script) for script in scripts_in(texts)]
    if language in LANGUAGES:
        script = LANGUAGES[language]
        needed.insert(0, (f"the {script.name} the PDF is written in,", script))
    warnings = []
    asked = set()
    for what, script in needed:
        if script.lang in asked:
            continue  # one warning for a Russian PDF with Russian text, not two
        asked.add(script.lang)
        if _covered(script.lang) is False:
            warnings.append(
                f"no installed font covers {what} which will show as empty boxes "
                f"in the PDF; install one (Debian/Ubuntu: apt-get install {script.debian}; "
                f"macOS: {script.macos}) and build again")
    return warnings
