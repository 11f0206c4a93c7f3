#!/usr/bin/env python3
"""The naive render orderpack is measured against: same content, no care for images.

It reads the same order file (with PyYAML, not orderpack) and writes one plain HTML
page: the order's facts, the tracking events and the messages as tables, then every
evidence file embedded as it is (``<img src="file:///...">`` of the original, full
size), rendered with WeasyPrint's default options::

    weasyprint.HTML(string=html, base_url=...).write_pdf(path)

The only styling is what keeps the pictures on the page (``max-width``/``max-height``)
and one exhibit per page; it changes how an image is drawn, not what is embedded.

Usage::

    python benchmarks/baseline.py ORDER.yaml OUT.pdf [--no-pictures]
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path
from typing import Any

import yaml

STYLE = """
@page { size: A4; margin: 18mm; }
body { font-family: sans-serif; font-size: 10pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }
section.exhibit { break-before: page; }
img { max-width: 100%; max-height: 230mm; }
"""


def naive_html(order_path: Path, pictures: bool = True) -> str:
    """The whole case as one plain HTML document, images referenced as the original files
    (or, without ``pictures``, each exhibit's heading alone: the text of the same render)."""
    data: dict[str, Any] = yaml.safe_load(order_path.read_text(encoding="utf-8"))
    folder = order_path.resolve().parent
    e = html.escape
    order, shipping = data["order"], data["shipping"]
    facts = [
        ("Platform", data["platform"]),
        ("Buyer", data["buyer"]["name"]),
        ("Order", f'{order["number"]}, placed {order["placed"]}'),
        ("Store", order["store"]),
        ("Items", "; ".join(f'{i.get("quantity", 1)} × {i["title"]}' for i in order["items"])),
        ("Amount paid", f'{order["total"]} {order["currency"]}'),
        ("Shipped", shipping.get("shipped")),
        ("Delivery deadline", shipping["delivery_deadline"]),
        ("Buyer Protection ends", shipping.get("protection_ends")),
        ("Tracking", f'{shipping.get("tracking_number")} ({shipping.get("carrier")})'),
        ("Reason", data["dispute"]["reason"]),
        ("Request", data["dispute"]["remedy"]),
    ]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Evidence for order {e(str(order['number']))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Evidence for order {e(str(order['number']))}</h1><table>",
        *(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts if v is not None),
        "</table><h2>Tracking history</h2><table>",
        "<tr><th>Date and time</th><th>Place</th><th>Status</th></tr>",
        *(f"<tr><td>{e(str(ev['at']))}</td><td>{e(str(ev.get('place', '')))}</td>"
          f"<td>{e(ev['status'])}</td></tr>"
          for ev in reversed((data.get("tracking") or {}).get("events", []))),
        "</table><h2>Conversation with the seller</h2><table>",
        "<tr><th>Date and time</th><th>From</th><th>Message</th></tr>",
        *(f"<tr><td>{e(str(m['at']))}</td><td>{e(m['from'])}</td><td>{e(m['text'])}"
          + (f"<br><i>Translation: {e(m['translation'])}</i>" if m.get("translation") else "")
          + "</td></tr>"
          for m in data.get("messages") or []),
        "</table>",
    ]
    for number, item in enumerate(data.get("evidence") or [], start=1):
        source = (folder / item["file"]).as_uri()
        parts += [
            f"<section class='exhibit'><h2>Exhibit {number}: {e(item['caption'])}</h2>",
            f"<p>{e(str(item.get('date', '')))} · {e(item['file'])}</p>",
            f"<img src='{e(source)}' alt='{e(item['caption'])}'>" if pictures else "",
            "</section>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


def render(order_path: Path, out: Path, pictures: bool = True) -> None:
    """Write the naive PDF of the case at ``order_path`` to ``out``, WeasyPrint's defaults."""
    import weasyprint

    document = naive_html(order_path, pictures)
    weasyprint.HTML(string=document, base_url=order_path.resolve().parent.as_uri() + "/"
                    ).write_pdf(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("order", metavar="ORDER.yaml", type=Path)
    parser.add_argument("out", metavar="OUT.pdf", type=Path)
    parser.add_argument("--no-pictures", dest="pictures", action="store_false",
                        help="leave the pictures out: the time the naive render's text takes")
    args = parser.parse_args(argv)
    render(args.order, args.out, args.pictures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
