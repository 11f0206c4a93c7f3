"""orderpack: turn a missing-order case folder into a dispute packet.

The Python API mirrors the command line::

    import orderpack
    case = orderpack.validate("order.yaml")          # raises OrderFileError
"""

from __future__ import annotations

__version__ = "0.1.0"

from orderpack.errors import OrderFileError, OrderpackError, Problem
from orderpack.validation import validate

__all__ = ["OrderFileError", "OrderpackError", "Problem", "__version__", "validate"]
