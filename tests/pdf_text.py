"""The text of a PDF's pages as poppler's pdftotext reads it: a checker that did not make
the PDF, and a few times cheaper than pypdf's ``extract_text`` (0.07 s rather than 0.3 s
for the sample's seven pages). pdftotext is installed by scripts/system-deps.sh.

Lines are broken where the page breaks them; tests that look for a phrase across a line
break join the lines with spaces first (``" ".join(pages).replace("\\n", " ")``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def pages(path: Path) -> list[str]:
    """The text of each page of the PDF at ``path``, in order (reading order, not layout)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, timeout=60)
    text = done.stdout.decode("utf-8")
    # Each page ends with a form feed, the last one too.
    assert text.endswith("\f"), text[-200:]
    return text[:-1].split("\f")
