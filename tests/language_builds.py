"""The samples built in a language on 2026-11-26, each once per test process, for the tests
that only read what the build wrote (test_language_outputs.py, test_languages.py).

A build is kept for the whole process, not for one module: under pytest-xdist a worker runs
a language's group (``xdist_group("language-TAG")``) whole, but it may run other modules'
tests between two groups, and a module fixture would then be made again and its builds lost.
All builds share one evidence cache, warm with the session's English build of the AliExpress
sample (the cache is keyed by content and settings and checks each entry's SHA-256, so
sharing it changes no result). A test that changes a case or its packet builds its own.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import copy_sample

import orderpack
from orderpack.api_types import BuildResult

TODAY = date(2026, 11, 26)


@dataclass(frozen=True)
class Built:
    result: BuildResult
    pdf_text: str
    """evidence.pdf's text, as pdftotext reads it."""


_builds: dict[tuple[str, str | None], Built] = {}
_caches: list[Path] = []


def sample_built(tmp_path_factory: pytest.TempPathFactory, built_aliexpress: BuildResult,
                 sample: str, lang: str | None) -> Built:
    """samples/SAMPLE built on TODAY with ``lang`` (None: the language the case chooses
    itself), once per test process."""
    if not _caches:
        cache_dir = tmp_path_factory.mktemp("language-cache") / "cache"
        shutil.copytree(built_aliexpress.out.parent.parent / "cache", cache_dir)
        _caches.append(cache_dir)
    if (sample, lang) not in _builds:
        folder = tmp_path_factory.mktemp(f"{sample}-{lang or 'own'}")
        result = orderpack.build(copy_sample(folder, sample), TODAY, lang=lang,
                                 cache_dir=_caches[0])
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(result.evidence_pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        _builds[sample, lang] = Built(result, text)
    return _builds[sample, lang]
