"""Order-file texts that several test modules start from (pytest puts tests/ on sys.path)."""

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
