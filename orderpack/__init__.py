"""orderpack: turn a missing-order case folder into a dispute packet.

The Python API does what the command line does::

    from datetime import date
    import orderpack

    case = orderpack.validate("my-case/order.yaml")           # raises OrderFileError
    status = orderpack.status("my-case/order.yaml", date(2026, 11, 26))
    result = orderpack.build("my-case/order.yaml", date(2026, 11, 26))
    print(result.evidence_pdf, result.pages)

Every error is an :class:`OrderpackError`; its ``problems`` list says what to fix.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing takes longer than the rest
if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path
    from typing import Any

    from orderpack.errors import OrderFileError, OrderpackError, Problem
    from orderpack.model import Case
    from orderpack.packet import BuildResult, Options
    from orderpack.timeline import Status

__all__ = [
    "OrderFileError", "OrderpackError", "Problem", "__version__", "build", "status", "validate"]


def __getattr__(name: str) -> Any:
    """The error classes, loaded on first use: `import orderpack` loads nothing else, so
    that Ctrl-C while the command line starts comes when it can be answered."""
    if name == "__version__":  # kept in orderpack/version.py, which the core can import
        from orderpack.version import __version__

        return __version__
    if name in ("OrderFileError", "OrderpackError", "Problem"):
        from orderpack import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'orderpack' has no attribute {name!r}")


def validate(order_path: str | Path) -> Case:
    """Load and check the case at ``order_path``; raise :class:`OrderFileError` listing
    every problem. (Imported on first use: ``import orderpack`` stays light, so the
    command line can answer Ctrl-C while it starts.)"""
    from orderpack.validation import validate as run

    return run(order_path)


def build(order_path: str | Path, today: date, options: Options | None = None,
          **kwargs: Any) -> BuildResult:
    """Build the packet of the case at ``order_path``; keyword arguments fill :class:`Options`.

    The renderer is imported on first use, so ``validate`` stays quick to start.
    """
    from dataclasses import replace

    from orderpack import packet as module

    if kwargs:
        options = module.Options(**kwargs) if options is None else replace(options, **kwargs)
    return module.build(order_path, today, options)


def status(order_path: str | Path, today: date) -> Status:
    """The key dates, stage, next action and warnings of the case at ``order_path``."""
    from orderpack import timeline

    case = validate(order_path)
    return timeline.compute(case.order, case.profile, today)
