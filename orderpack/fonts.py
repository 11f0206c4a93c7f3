"""Font coverage: warn before a reader sees empty boxes instead of Chinese or Arabic text.

WeasyPrint (through Pango and fontconfig) falls back from font to font on its own;
what it cannot do is draw a script no installed font covers. We ask fontconfig.
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


SCRIPTS = (
    Script("Chinese", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)), "zh-cn", "fonts-noto-cjk",
           "brew install --cask font-noto-sans-cjk"),
    Script("Japanese", ((0x3040, 0x30FF),), "ja", "fonts-noto-cjk",
           "brew install --cask font-noto-sans-cjk"),
    Script("Korean", ((0xAC00, 0xD7AF), (0x1100, 0x11FF)), "ko", "fonts-noto-cjk",
           "brew install --cask font-noto-sans-cjk"),
    Script("Cyrillic", ((0x0400, 0x04FF),), "ru", "fonts-dejavu-core",
           "brew install --cask font-dejavu"),
    Script("Greek", ((0x0370, 0x03FF),), "el", "fonts-dejavu-core",
           "brew install --cask font-dejavu"),
    Script("Arabic", ((0x0600, 0x06FF),), "ar", "fonts-noto-core",
           "brew install --cask font-noto-sans-arabic"),
    Script("Hebrew", ((0x0590, 0x05FF),), "he", "fonts-noto-core",
           "brew install --cask font-noto-sans-hebrew"),
    Script("Thai", ((0x0E00, 0x0E7F),), "th", "fonts-noto-core",
           "brew install --cask font-noto-sans-thai"),
    Script("emoji", ((0x1F300, 0x1FAFF), (0x2600, 0x27BF)), "und-zsye", "fonts-noto-color-emoji",
           "brew install --cask font-noto-color-emoji"),
)


def scripts_in(texts: Iterable[str]) -> list[Script]:
    """The scripts above that occur in ``texts``."""
    points = {ord(char) for text in texts for char in text if ord(char) >= 0x370}
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


def missing_font_warnings(texts: Iterable[str]) -> list[str]:
    """One warning per script in ``texts`` that no installed font can draw."""
    warnings = []
    for script in scripts_in(texts):
        if _covered(script.lang) is False:
            warnings.append(
                f"no installed font covers {script.name} text, which will show as empty boxes "
                f"in the PDF; install one (Debian/Ubuntu: apt-get install {script.debian}; "
                f"macOS: {script.macos}) and build again")
    return warnings
