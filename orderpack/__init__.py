"""orderpack: turn a missing-order case folder into a dispute packet.

The Python API does what the command line does, one function per command, each returning
a typed result (see :mod:`orderpack.api` and the README's "Python API")::

    from datetime import date
    import orderpack

    case = orderpack.validate("my-case/order.yaml")           # raises OrderFileError
    status = orderpack.status("my-case/order.yaml", date(2026, 11, 26))
    result = orderpack.build("my-case/order.yaml", date(2026, 11, 26))
    print(result.evidence_pdf, result.pages)

Every error is an :class:`OrderpackError`; its ``problems`` list says what to fix.

Everything is loaded on first use: ``import orderpack`` loads nothing else, so that the
command line answers Ctrl-C while it starts and ``validate`` never loads the renderer.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing takes longer than the rest
if TYPE_CHECKING:
    from orderpack.api import (
        Message,
        MessageStep,
        MessageSteps,
        NewCase,
        PlatformRules,
        build,
        build_many,
        check_file,
        dispute_text,
        init,
        init_problems,
        message,
        message_steps,
        platform,
        platforms,
        preflight,
        preview,
        rules,
        schema,
        shown_size,
        status,
        validate,
        whole_images,
    )
    from orderpack.errors import OrderFileError, OrderpackError, Problem
    from orderpack.version import __version__

__all__ = [
    "Message", "MessageStep", "MessageSteps", "NewCase", "OrderFileError", "OrderpackError",
    "PlatformRules", "Problem", "__version__", "build", "build_many", "check_file",
    "dispute_text", "init", "init_problems", "message", "message_steps", "platform",
    "platforms", "preflight", "preview", "rules", "schema", "shown_size", "status", "validate",
    "whole_images"]
_ERRORS = ("OrderFileError", "OrderpackError", "Problem")


def __getattr__(name: str) -> object:
    """The API, the error classes and the version, loaded on first use."""
    if name == "__version__":  # kept in orderpack/version.py, which the core can import
        from orderpack.version import __version__

        value: object = __version__
    elif name in __all__ and name not in _ERRORS:
        from orderpack import api

        value = getattr(api, name)
    elif name in _ERRORS:
        from orderpack import errors

        value = getattr(errors, name)
    else:
        raise AttributeError(f"module 'orderpack' has no attribute {name!r}")
    globals()[name] = value  # found directly from now on
    return value
