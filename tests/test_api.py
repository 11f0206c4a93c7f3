"""The Python API does what the command line does."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import orderpack

TODAY = date(2026, 11, 26)


def test_build_status_and_validate_from_python(ebay_case: Path, tmp_path: Path) -> None:
    case = orderpack.validate(ebay_case)
    assert case.order.order.number == "12-34567-89012"
    status = orderpack.status(ebay_case, TODAY)
    assert (status.next_action.id, status.next_action.due) == ("open_dispute", date(2026, 12, 10))
    result = orderpack.build(ebay_case, TODAY, out=tmp_path / "packet",
                             cache_dir=tmp_path / "cache")
    assert result.out == (tmp_path / "packet").absolute()
    assert result.evidence_pdf.is_file()
    # The function is still the function after the module behind it was imported.
    again = orderpack.build(ebay_case, TODAY, out=tmp_path / "packet",
                            cache_dir=tmp_path / "cache")
    assert again.evidence_pdf.read_bytes() == result.evidence_pdf.read_bytes()


def test_errors_are_orderpack_errors(tmp_path: Path) -> None:
    with pytest.raises(orderpack.OrderpackError) as caught:
        orderpack.validate(tmp_path / "missing.yaml")
    assert caught.value.problems[0].message == "the file does not exist"


def test_importing_orderpack_and_validating_does_not_import_the_renderer() -> None:
    """Nor the HEIC plugin, when no evidence file is HEIC: both only slow the start."""
    code = ("import sys, orderpack; orderpack.validate('samples/aliexpress-missing/order.yaml');"
            "print('weasyprint' in sys.modules, 'pillow_heif' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=root).stdout
    assert output.strip() == "False False"
