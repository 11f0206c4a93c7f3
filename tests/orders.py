"""Order-file texts that several test modules start from, and where a line is in them
(pytest puts tests/ on sys.path)."""

#: The smallest valid AliExpress order: required fields only, no messages or evidence.
MINIMAL_ORDER = """\
platform: aliexpress
buyer:
  name: Jane Doe
order:
  number: "8190123456789012"
  placed: 2026-09-02
  store: Shenzhen Gadget Store
  items:
    - title: USB-C hub
  total: 35.46
  currency: EUR
shipping:
  delivery_deadline: 2026-10-20
"""

#: MINIMAL_ORDER with the day the parcel was shipped: where the bad-input tests start.
SHIPPED_ORDER = MINIMAL_ORDER.replace("shipping:\n", "shipping:\n  shipped: 2026-09-05\n")


def line_of(text: str, needle: str) -> int:
    """The number, counted from 1, of the one line of ``text`` that contains ``needle``.

    Expected messages quote line numbers through this, from the very text a test writes,
    so that no test depends on how long another test's order happens to be.
    """
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    if len(found) != 1:
        raise ValueError(f"{needle!r} is on {len(found)} lines of the text, not on one")
    return found[0]
