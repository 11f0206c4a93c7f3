#!/usr/bin/env python3
"""Write a heavy, made-up AliExpress case for the benchmarks: many large images, a long chat.

By default the case has 30 exhibits — 20 phone screenshots (PNG, 1170×2532, drawn
like app pages: flat colours, text, bars, a product picture) and 10 camera photos
(JPEG, 4032×3024, 2–4 MB each, with EXIF orientation, some 6 or 8, and a GPS
position) — plus 200 chat messages (English buyer, Chinese seller lines with a
translation) and 40 tracking events, all named in a valid ``order.yaml``.

Usage::

    python benchmarks/heavy_case.py DIR                 # 30 exhibits
    python benchmarks/heavy_case.py DIR --exhibits 90   # 60 screenshots, 30 photos
    python benchmarks/heavy_case.py DIR --style flat    # text-heavy screenshots, smooth photos

The output is deterministic: every random choice comes from a generator seeded
with ``--seed``, and no clock is read, so two runs write byte-identical files
(given the same Pillow, zlib, libjpeg and font). Different seeds give different
cases with the same shape, for batch benchmarks.

Needs only Pillow. Text is drawn with DejaVu Sans when it is installed, else
with Pillow's built-in font.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFont

DEFAULT_EXHIBITS = 30
DEFAULT_SEED = 20261126
MESSAGES = 200
TRACKING_EVENTS = 40
SCREEN_SIZE = (1170, 2532)  # an iPhone 13/14 screenshot
PHOTO_SIZE = (4032, 3024)  # a 12-megapixel phone camera, as stored (landscape)
#: EXIF orientations of the photos in turn: most phones write 1 or 6; 8 is held the other way.
ORIENTATIONS = (6, 1, 8, 6, 1)

PLACED = date(2026, 9, 2)
SHIPPED = date(2026, 9, 5)
DEADLINE = date(2026, 10, 20)
PROTECTION_ENDS = date(2026, 12, 3)
CHECKED = date(2026, 11, 20)
# Local times, as an order file writes them (no time zone).
FIRST_EVENT = datetime(2026, 9, 6, 10, 12)  # noqa: DTZ001
FIRST_MESSAGE = datetime(2026, 9, 3, 8, 0)  # noqa: DTZ001
LAST_MESSAGE = datetime(2026, 11, 24, 20, 0)  # noqa: DTZ001
FIRST_PHOTO = datetime(2026, 11, 10, 17, 5)  # noqa: DTZ001


@dataclass(frozen=True)
class HeavyCase:
    """What :func:`generate` wrote."""

    order: Path
    screenshots: int
    photos: int
    messages: int
    events: int

    @property
    def exhibits(self) -> int:
        return self.screenshots + self.photos


def split(exhibits: int) -> tuple[int, int]:
    """Screenshots and photos for ``exhibits`` images, two screenshots per photo."""
    if exhibits < 1:
        raise ValueError("a case needs at least one exhibit")
    photos = exhibits // 3
    return exhibits - photos, photos


#: The kinds of case: "app" screenshots drawn like app pages (a product photo inside)
#: with grainy camera photos, or "flat" ones: text-heavy screenshots (grey background,
#: dark text lines, a coloured header bar) with smooth synthetic photos (gradients with
#: shapes). Both have the same sizes, EXIF orientations and GPS positions.
STYLES = ("app", "flat")


def generate(folder: Path, exhibits: int = DEFAULT_EXHIBITS, *, seed: int = DEFAULT_SEED,
             pixel_scale: float = 1.0, style: str = "app") -> HeavyCase:
    """Write the case into ``folder`` (created; files already there are overwritten).

    ``pixel_scale`` shrinks every image (tests use a small one to stay fast); the
    benchmarks use 1.0, the real sizes. ``style`` is one of :data:`STYLES`.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}")
    flat = style == "flat"
    rnd = random.Random(seed)
    screenshots, photos = split(exhibits)
    events = _tracking(rnd)
    messages = _messages(rnd)
    items = _items(rnd)
    fonts = _Fonts(pixel_scale)
    (folder / "screenshots").mkdir(parents=True, exist_ok=True)
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    evidence: list[dict[str, object]] = []
    for index in range(screenshots):
        kind = ("tracking", "chat", "order")[index % 3]
        name = f"screenshots/{index + 1:03d}-{kind}.png"
        image = (_flat_screenshot if flat else _screenshot)(
            kind, index, fonts, events, messages, items, rnd.getrandbits(32))
        _save_png(image, folder / name)
        entry: dict[str, object] = {
            "file": name,
            "caption": _caption(kind, index),
            "date": (CHECKED + timedelta(days=index % 6)).isoformat(),
        }
        if kind == "chat":  # hide the status bar and the signed-in strip, as users do
            entry["redact"] = [[0, 0, image.width, fonts.px(140)]]
        evidence.append(entry)
    for index in range(photos):
        orientation = ORIENTATIONS[index % len(ORIENTATIONS)]
        name = f"photos/IMG_{4100 + index}.jpg"
        taken = FIRST_PHOTO + timedelta(days=index % 12, minutes=37 * index)
        picture = (_smooth_photo if flat else _photo)(rnd.getrandbits(32), orientation, fonts,
                                                      pixel_scale)
        _save_photo(folder / name, picture, orientation, taken, index)
        evidence.append({
            "file": name,
            "caption": f"Photo {index + 1}: the parcel locker and letterbox, no parcel",
            "date": taken.date().isoformat(),
        })
    order = folder / "order.yaml"
    order.write_text(_order_yaml(items, events, messages, evidence), encoding="utf-8")
    return HeavyCase(order=order, screenshots=screenshots, photos=photos,
                     messages=len(messages), events=len(events))


# --- the case's facts ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Event:
    at: datetime
    place: str
    status: str


@dataclass(frozen=True)
class _Message:
    at: datetime
    sender: str
    text: str
    translation: str | None


_ROUTE = [
    ("Shenzhen, CN", ["Accepted by carrier", "Arrived at sorting centre",
                      "Processing at sorting centre", "Departed from sorting centre"]),
    ("Dongguan, CN", ["Arrived at transit hub", "Scanned at transit hub",
                      "Departed from transit hub"]),
    ("Guangzhou, CN", ["Arrived at export hub", "Export customs clearance started",
                       "Export customs documents checked", "Export customs clearance completed",
                       "Awaiting flight allocation", "Handed over to airline",
                       "Departed from country of origin"]),
    ("Hong Kong, HK", ["Arrived at transit airport", "Transferred to connecting flight",
                       "Departed transit airport"]),
    ("Liège, BE", ["Arrived in destination region", "Import customs clearance started",
                   "Held for import inspection", "Import customs clearance completed",
                   "Handed over to last-mile carrier"]),
]


def _tracking(rnd: random.Random) -> list[_Event]:
    steps = [(place, status) for place, statuses in _ROUTE for status in statuses]
    events = [_Event(FIRST_EVENT, *steps[0])]
    while len(events) < TRACKING_EVENTS:
        at = events[-1].at + timedelta(hours=rnd.randint(6, 20), minutes=rnd.randint(0, 59))
        place, status = steps[min(len(events), len(steps) - 1)]
        if len(events) >= len(steps) - 1:  # stuck: the same scan, over and over
            status = "In transit, awaiting next scan"
        events.append(_Event(at, place, status))
    return events


_BUYER = [
    "Hello, my order {order} has had no tracking update for {days} days. Where is my parcel?",
    "The delivery deadline was {deadline}. It has passed and the parcel has not arrived.",
    "Could you please contact the carrier and tell me where the parcel is?",
    "I checked the tracking again today: nothing has changed since {last}.",
    "I do not want a resend, the parcel is lost. Please refund me {total} EUR.",
    "Can you send me a proof of delivery with a signature, if you say it was delivered?",
    "My letterbox and the parcel locker are empty; nothing was left for me.",
    "Please answer my question instead of asking me to wait again.",
    "This is my {n}th message about the same order. I will open a dispute.",
    "Thank you, but waiting another 15 days is not acceptable after {days} days.",
]
_SELLER = [
    ("亲，请耐心等待。包裹还在路上。",
     "Dear, please wait patiently. The parcel is still on the way."),
    ("亲，非常抱歉给您带来不便。我们可以免费为您重新发货，可以吗？",
     "Dear, we are very sorry for the inconvenience. We can send the parcel again for free, "
     "is that OK?"),
    ("亲，我们已经联系物流公司，请再等待十五天。",
     "Dear, we have contacted the logistics company. Please wait another 15 days."),
    ("物流高峰期，运输会有延误，请理解。",
     "It is the peak logistics season; transport is delayed. Please understand."),
    ("包裹已经到达您的国家，正在清关。",
     "The parcel has arrived in your country and is going through customs."),
    ("请不要开纠纷，我们会帮您解决问题。",
     "Please do not open a dispute; we will solve the problem for you."),
    ("我们可以给您部分退款五美元，可以吗？",
     "We can give you a partial refund of 5 USD, is that OK?"),
    ("亲，我们的记录显示包裹已经签收。",
     "Dear, our records show that the parcel was signed for."),
    ("请提供您的地址照片和快递柜照片。",
     "Please send a photo of your address and of the parcel locker."),
    ("我们正在查询，请给我们三个工作日。",
     "We are checking; please give us three working days."),
]
_PLATFORM = [
    "Reminder: the seller has 3 days to answer your message.",
    "The delivery deadline of this order has passed. You can open a dispute.",
    "Tip: keep all communication on AliExpress so that it can be used as evidence.",
]


def _messages(rnd: random.Random) -> list[_Message]:
    span = (LAST_MESSAGE - FIRST_MESSAGE) / MESSAGES
    messages: list[_Message] = []
    sender = "buyer"
    for index in range(MESSAGES):
        at = FIRST_MESSAGE + span * index + timedelta(minutes=rnd.randint(0, 90))
        at = at.replace(second=0, microsecond=0)
        if index % 17 == 16:
            messages.append(_Message(at, "platform", rnd.choice(_PLATFORM), None))
            continue
        if sender == "buyer":
            text = rnd.choice(_BUYER).format(
                order="8190123456789012", days=(at.date() - PLACED).days,
                deadline="20 October 2026", last="the last scan", total="35.46",
                n=index // 2 + 1)
            messages.append(_Message(at, "buyer", text, None))
        else:
            original, translation = rnd.choice(_SELLER)
            messages.append(_Message(at, "seller", original, translation))
        # Mostly turns, sometimes the same side writes twice.
        if rnd.random() < 0.8:
            sender = "seller" if sender == "buyer" else "buyer"
    return messages


def _items(rnd: random.Random) -> list[tuple[str, int, Decimal]]:
    names = ["USB-C hub 7-in-1", "Braided USB-C cable 2 m", "Wireless charging pad 15 W",
             "Phone case, clear", "Screen protector, 2 pieces", "Bluetooth tracker tag"]
    return [(name, rnd.randint(1, 3), Decimal(rnd.randint(199, 2999)) / 100)
            for name in names[: rnd.randint(3, 6)]]


def _caption(kind: str, index: int) -> str:
    what = {"tracking": "Tracking page, no update since the last scan",
            "chat": "Chat with the seller", "order": "Order details page"}[kind]
    return f"Screenshot {index + 1}: {what}"


# --- drawing --------------------------------------------------------------------------------

class _Fonts:
    """DejaVu Sans (regular and bold) at the given scale, or Pillow's built-in font."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.paths = {bold: _find_font(bold) for bold in (False, True)}

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    @cache  # noqa: B019 - one _Fonts per case, the cache is the point
    def get(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        path = self.paths[bold] or self.paths[False]
        if path is None:
            return ImageFont.load_default(self.px(size))  # type: ignore[return-value]
        # BASIC layout: the same pixels whether or not libraqm is installed.
        return ImageFont.truetype(str(path), self.px(size),
                                  layout_engine=ImageFont.Layout.BASIC)


_FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
              Path.home() / ".local/share/fonts", Path("/Library/Fonts"),
              Path("/opt/homebrew/share/fonts")]


def _find_font(bold: bool) -> Path | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    if shutil.which("fc-match"):
        spec = "DejaVu Sans:bold" if bold else "DejaVu Sans"
        found = subprocess.run(["fc-match", "-f", "%{file}", spec], capture_output=True,
                               text=True, check=False).stdout.strip()
        if found.endswith(name):
            return Path(found)
    for root in _FONT_DIRS:
        for path in sorted(root.glob(f"**/{name}")) if root.is_dir() else []:
            return path
    return None


INK = (25, 25, 25)
GREY = (117, 117, 117)
LINE = (232, 232, 232)
PAGE = (244, 244, 244)
WHITE = (255, 255, 255)
ORANGE = (255, 106, 0)
RED = (226, 36, 36)
GREEN = (0, 160, 90)
BUBBLE = (255, 236, 222)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _screenshot(kind: str, index: int, fonts: _Fonts, events: list[_Event],
                messages: list[_Message], items: list[tuple[str, int, Decimal]],
                seed: int) -> Image.Image:
    p = fonts.px
    width, height = p(SCREEN_SIZE[0]), p(SCREEN_SIZE[1])
    image = Image.new("RGB", (width, height), PAGE)
    d = ImageDraw.Draw(image)
    # Status bar, signed-in strip, title bar.
    d.rectangle((0, 0, width, p(140)), fill=WHITE)
    d.text((p(60), p(40)), f"{9 + index % 12}:{(17 * index) % 60:02d}", font=fonts.get(40, True),
           fill=INK)
    d.rounded_rectangle((width - p(170), p(48), width - p(70), p(88)), p(10), outline=INK,
                        width=p(4))
    d.rectangle((width - p(166), p(52), width - p(110), p(84)), fill=INK)
    d.text((p(60), p(100)), "Signed in as Jane Doe · jane@example.org", font=fonts.get(28),
           fill=GREY)
    title = {"tracking": "Tracking details", "chat": "Shenzhen Gadget Store",
             "order": "Order details"}[kind]
    d.rectangle((0, p(140), width, p(290)), fill=ORANGE if kind == "chat" else WHITE)
    d.text((width // 2, p(215)), title, font=fonts.get(50, True),
           fill=WHITE if kind == "chat" else INK, anchor="mm")
    d.line((p(60), p(215), p(90), p(185)), fill=INK, width=p(6))
    d.line((p(60), p(215), p(90), p(245)), fill=INK, width=p(6))
    top = p(320)
    if kind == "tracking":
        _draw_tracking(d, fonts, events, index, top, width, height)
    elif kind == "chat":
        _draw_chat(d, fonts, messages, index, top, width, height)
    else:
        _draw_order(image, d, fonts, items, index, top, width, seed)
    # Tab bar and home indicator.
    d.rectangle((0, height - p(230), width, height), fill=WHITE)
    d.line((0, height - p(230), width, height - p(230)), fill=LINE, width=p(3))
    for tab, label in enumerate(["Home", "Feed", "Cart", "Account"]):
        cx = width * (2 * tab + 1) // 8
        d.ellipse((cx - p(30), height - p(200), cx + p(30), height - p(140)),
                  fill=ORANGE if tab == 3 else LINE)
        d.text((cx, height - p(110)), label, font=fonts.get(28), fill=GREY, anchor="mm")
    d.rounded_rectangle((width // 2 - p(200), height - p(40), width // 2 + p(200),
                         height - p(28)), p(6), fill=INK)
    return image


def _draw_tracking(d: ImageDraw.ImageDraw, fonts: _Fonts, events: list[_Event], index: int,
                   top: int, width: int, height: int) -> None:
    p = fonts.px
    d.rounded_rectangle((p(36), top, width - p(36), top + p(300)), p(30), fill=WHITE)
    d.text((p(80), top + p(50)), "Cainiao · LP00123456789012", font=fonts.get(40, True),
           fill=INK)
    d.text((p(80), top + p(120)), "In transit", font=fonts.get(56, True), fill=ORANGE)
    d.text((p(80), top + p(210)), f"No update since {events[-1].at:%d %b %Y}",
           font=fonts.get(36), fill=RED)
    y = top + p(340)
    d.rounded_rectangle((p(36), y, width - p(36), height - p(260)), p(30), fill=WHITE)
    start = (index * 7) % max(1, len(events) - 10)
    y += p(50)
    for number, event in enumerate(reversed(events[start:start + 11])):
        colour = ORANGE if number == 0 else GREY
        d.ellipse((p(80), y + p(10), p(110), y + p(40)), fill=colour)
        if number < 10:
            d.line((p(95), y + p(50), p(95), y + p(175)), fill=LINE, width=p(4))
        d.text((p(150), y), event.status, font=fonts.get(38, number == 0), fill=INK)
        d.text((p(150), y + p(55)), f"{event.at:%d %b %Y %H:%M} · {event.place}",
               font=fonts.get(32), fill=GREY)
        y += p(180)


def _draw_chat(d: ImageDraw.ImageDraw, fonts: _Fonts, messages: list[_Message], index: int,
               top: int, width: int, height: int) -> None:
    p = fonts.px
    font = fonts.get(36)
    y = top
    for message in messages[(index * 5) % (len(messages) - 8):]:
        text = message.text if message.translation is None else (
            "[Translated] " + message.translation)
        lines = _wrap(text, font, p(700))
        box_height = p(56) * len(lines) + p(100)
        if y + box_height > height - p(260):
            break
        d.text((width // 2, y + p(10)), f"{message.at:%d %b %H:%M}", font=fonts.get(26),
               fill=GREY, anchor="mt")
        y += p(50)
        if message.sender == "buyer":
            left, fill = width - p(60) - p(760), BUBBLE
        elif message.sender == "seller":
            left, fill = p(140), WHITE
            d.ellipse((p(40), y, p(120), y + p(80)), fill=ORANGE)
        else:
            left, fill = p(205), LINE
        d.rounded_rectangle((left, y, left + p(760), y + box_height - p(60)), p(28), fill=fill)
        for number, line in enumerate(lines):
            d.text((left + p(30), y + p(22) + number * p(56)), line, font=font, fill=INK)
        y += box_height


def _draw_order(image: Image.Image, d: ImageDraw.ImageDraw, fonts: _Fonts,
                items: list[tuple[str, int, Decimal]], index: int, top: int, width: int,
                seed: int) -> None:
    p = fonts.px
    d.rounded_rectangle((p(36), top, width - p(36), top + p(260)), p(30), fill=WHITE)
    d.text((p(80), top + p(50)), "Awaiting delivery", font=fonts.get(48, True), fill=ORANGE)
    d.text((p(80), top + p(130)), "Order 8190123456789012 · placed 2 Sep 2026",
           font=fonts.get(34), fill=GREY)
    y = top + p(300)
    name, quantity, price = items[index % len(items)]
    # The product picture: photographic, as in the app.
    picture = _texture((p(1098), p(820)), seed, base=(205, 200, 192), amount=9)
    image.paste(picture, (p(36), y))
    ImageDraw.Draw(image).rounded_rectangle((p(300), y + p(200), p(800), y + p(620)), p(40),
                                            fill=(60, 64, 70))
    y += p(860)
    d.rounded_rectangle((p(36), y, width - p(36), y + p(880)), p(30), fill=WHITE)
    rows = [("Product", name), ("Quantity", str(quantity)), ("Price", f"€{price}"),
            ("Store", "Shenzhen Gadget Store"), ("Shipping", "AliExpress Standard Shipping"),
            ("Tracking", "LP00123456789012"), ("Delivery by", "20 Oct 2026"),
            ("Buyer Protection", "until 3 Dec 2026")]
    y += p(50)
    for label, value in rows:
        d.text((p(80), y), label, font=fonts.get(34), fill=GREY)
        d.text((width - p(80), y), value, font=fonts.get(34, True), fill=INK, anchor="ra")
        y += p(100)
    d.rounded_rectangle((p(80), y, width - p(80), y + p(20)), p(10),
                        fill=GREEN if index % 2 else RED)


def _noise(rnd: random.Random, size: tuple[int, int], amount: int) -> Image.Image:
    """Grey noise centred on 128, about ±amount."""
    width, height = size
    noise = Image.frombytes("L", size, rnd.randbytes(width * height))
    return noise.point([128 + round((v - 127.5) * amount / 127.5) for v in range(256)])


def _texture(size: tuple[int, int], seed: int, base: tuple[int, int, int],
             amount: int) -> Image.Image:
    """A smooth, lit surface with blotches and, if ``amount``, sensor grain of about
    ±amount: compresses like a photo."""
    rnd = random.Random(seed)
    width, height = size
    # The light: an off-centre part of a radial gradient, scaled up.
    light = Image.radial_gradient("L").crop((64, 43, 192, 171)).resize(
        size, Image.Resampling.BILINEAR)
    image = Image.composite(Image.new("RGB", size, (40, 36, 32)), Image.new("RGB", size, base),
                            light.point(lambda v: v * 140 // 255))
    blotches = _noise(rnd, (max(1, width // 16), max(1, height // 16)), 50)
    blotches = blotches.resize(size, Image.Resampling.BICUBIC)
    image = ImageChops.add(image, Image.merge("RGB", [blotches] * 3), 1.0, -128)
    if not amount:
        return image
    grain = _noise(rnd, size, amount)
    return ImageChops.add(image, Image.merge("RGB", [grain] * 3), 1.0, -128)


def _photo(seed: int, orientation: int, fonts: _Fonts, scale: float) -> Image.Image:
    """The picture as stored: drawn upright, turned the way the camera's sensor wrote it."""
    rnd = random.Random(seed)
    size = tuple(round(v * scale) for v in PHOTO_SIZE)
    if orientation in (6, 8):
        size = size[::-1]  # a portrait photo, stored sideways
    # The scene is drawn at half size and scaled up: soft edges, as through a lens.
    width, height = max(1, size[0] // 2), max(1, size[1] // 2)
    base = (rnd.randint(150, 210), rnd.randint(140, 200), rnd.randint(120, 190))
    scene = Image.new("RGB", (width, height), base)
    d = ImageDraw.Draw(scene)
    floor = height * rnd.randint(70, 85) // 100
    d.rectangle((0, floor, width, height), fill=(110, 104, 98))
    for _ in range(rnd.randint(12, 24)):  # lockers, letterboxes, doors, signs
        x, y = rnd.randrange(width), rnd.randrange(floor)
        w, h = rnd.randint(width // 12, width // 3), rnd.randint(height // 12, height // 3)
        colour = tuple(rnd.randint(40, 230) for _ in range(3))
        d.rectangle((x, y, x + w, y + h), fill=colour, outline=(50, 50, 50),
                    width=max(1, width // 400))
    d.rectangle((width // 5, height // 6, width * 4 // 5, height // 6 + height // 12), fill=WHITE)
    d.text((width // 2, height // 6 + height // 24), "PAKETSTATION 118",
           font=fonts.get(round(min(width, height) / 14 / scale), True), fill=INK, anchor="mm")
    full = (int(size[0]), int(size[1]))
    scene = scene.resize(full, Image.Resampling.BICUBIC)
    texture = _texture(full, rnd.getrandbits(32), base=(128, 128, 128), amount=0)
    scene = ImageChops.add(scene, texture, 1.0, -128)  # lighting and blotches on the scene
    grain = _noise(rnd, full, rnd.randint(5, 7))
    scene = ImageChops.add(scene, Image.merge("RGB", [grain] * 3), 1.0, -128)
    # Orientation 6 means "turn 90° clockwise to display": store it turned the other way.
    turn = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}.get(orientation)
    return scene.transpose(turn) if turn is not None else scene


HEADER = (31, 95, 191)


def _flat_screenshot(kind: str, index: int, fonts: _Fonts, events: list[_Event],
                     messages: list[_Message], items: list[tuple[str, int, Decimal]],
                     seed: int) -> Image.Image:
    """A text-heavy page: grey background, a coloured header bar, lines of dark text."""
    del seed  # every line comes from the case's facts
    p = fonts.px
    width, height = p(SCREEN_SIZE[0]), p(SCREEN_SIZE[1])
    image = Image.new("RGB", (width, height), PAGE)
    d = ImageDraw.Draw(image)
    d.rectangle((0, 0, width, p(260)), fill=HEADER)
    title = {"tracking": "Tracking details", "chat": "Messages",
             "order": "Order details"}[kind]
    d.text((p(60), p(130)), title, font=fonts.get(54, True), fill=WHITE, anchor="lm")
    d.text((p(60), p(215)), f"Order 8190123456789012 · page {index + 1}", font=fonts.get(30),
           fill=WHITE, anchor="lm")
    if kind == "tracking":
        texts = [f"{e.at:%d %b %Y %H:%M}  {e.place}  {e.status}" for e in events]
    elif kind == "order":
        texts = [f"{name} × {quantity}: €{price}" for name, quantity, price in items] + [
            f"{e.at:%d %b %Y} {e.status}" for e in events]
    else:
        texts = [f"{m.at:%d %b %H:%M} {m.sender}: {m.translation or m.text}" for m in messages]
    font = fonts.get(34)
    lines = [line for text in texts for line in _wrap(text, font, width - p(120))]
    start = (index * 11) % max(1, len(lines) - 40)
    y = p(300)
    for line in lines[start:]:
        if y + p(48) > height - p(40):
            break
        d.text((p(60), y), line, font=font, fill=INK if len(line) % 4 else GREY)
        y += p(50)
    return image


def _smooth_photo(seed: int, orientation: int, fonts: _Fonts, scale: float) -> Image.Image:
    """A synthetic photo: a two-colour gradient with soft-edged shapes, no grain."""
    del fonts
    rnd = random.Random(seed)
    size = tuple(round(v * scale) for v in PHOTO_SIZE)
    if orientation in (6, 8):
        size = size[::-1]
    full = (int(size[0]), int(size[1]))
    # Drawn at a quarter size and scaled up: smooth gradients, soft edges.
    small = (max(1, full[0] // 4), max(1, full[1] // 4))
    top = tuple(rnd.randint(60, 200) for _ in range(3))
    bottom = tuple(rnd.randint(60, 200) for _ in range(3))
    ramp = Image.linear_gradient("L").resize(small, Image.Resampling.BILINEAR)
    scene = Image.composite(Image.new("RGB", small, bottom), Image.new("RGB", small, top), ramp)
    d = ImageDraw.Draw(scene)
    for _ in range(rnd.randint(6, 12)):
        x, y = rnd.randrange(small[0]), rnd.randrange(small[1])
        w, h = rnd.randint(small[0] // 10, small[0] // 3), rnd.randint(small[1] // 10,
                                                                      small[1] // 3)
        colour = tuple(rnd.randint(30, 240) for _ in range(3))
        if rnd.random() < 0.5:
            d.ellipse((x, y, x + w, y + h), fill=colour)
        else:
            d.rectangle((x, y, x + w, y + h), fill=colour)
    scene = scene.resize(full, Image.Resampling.BICUBIC)
    turn = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}.get(orientation)
    return scene.transpose(turn) if turn is not None else scene


def _save_png(image: Image.Image, path: Path) -> None:
    image.save(path, format="PNG")


def _save_photo(path: Path, image: Image.Image, orientation: int, taken: datetime,
                index: int) -> None:
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = "Pixel 7a"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = stamp
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = stamp
    sub[ExifTags.Base.OffsetTimeOriginal] = "+01:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSVersionID] = b"\x02\x02\x00\x00"
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, float(10 + index % 40))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, float(5 + index % 50))
    image.save(path, format="JPEG", quality=92, exif=exif)


# --- the order file -------------------------------------------------------------------------

def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _order_yaml(items: list[tuple[str, int, Decimal]], events: list[_Event],
                messages: list[_Message], evidence: list[dict[str, object]]) -> str:
    shipping_cost = Decimal("1.49")
    total = sum((price * quantity for _, quantity, price in items), shipping_cost)
    lines = [
        "# A heavy benchmark case written by benchmarks/heavy_case.py; everything is invented.",
        "platform: aliexpress",
        "",
        "buyer:",
        "  name: Jane Doe",
        "  email: jane@example.org",
        "  country: DE",
        "",
        "order:",
        '  number: "8190123456789012"',
        f"  placed: {PLACED.isoformat()}",
        "  store: Shenzhen Gadget Store",
        "  items:",
    ]
    for name, quantity, price in items:
        lines += [f"    - title: {_q(name)}", f"      quantity: {quantity}",
                  f"      price: {price}"]
    lines += [
        f"  total: {total}",
        "  currency: EUR",
        "  payment: Visa ending 4242",
        "",
        "shipping:",
        "  method: AliExpress Standard Shipping",
        "  carrier: Cainiao",
        "  tracking_number: LP00123456789012",
        f"  shipped: {SHIPPED.isoformat()}",
        f"  delivery_deadline: {DEADLINE.isoformat()}",
        f"  protection_ends: {PROTECTION_ENDS.isoformat()}",
        "",
        "tracking:",
        f"  checked: {CHECKED.isoformat()}",
        "  events:",
    ]
    for event in events:
        lines += [f"    - at: {event.at:%Y-%m-%d %H:%M}", f"      place: {_q(event.place)}",
                  f"      status: {_q(event.status)}"]
    lines += ["", "messages:"]
    for message in messages:
        lines += [f"  - at: {message.at:%Y-%m-%d %H:%M}", f"    from: {message.sender}",
                  f"    text: {_q(message.text)}"]
        if message.translation:
            lines.append(f"    translation: {_q(message.translation)}")
    lines += ["", "evidence:"]
    for entry in evidence:
        lines += [f"  - file: {entry['file']}", f"    caption: {_q(str(entry['caption']))}",
                  f"    date: {entry['date']}"]
        if "redact" in entry:
            lines.append(f"    redact: {json.dumps(entry['redact'])}")
    lines += ["", "dispute:", "  reason: no_tracking_update", "  remedy: full_refund", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", metavar="DIR", type=Path, help="the case folder to write")
    parser.add_argument("--exhibits", type=int, default=DEFAULT_EXHIBITS, metavar="N",
                        help="number of images, two screenshots per photo "
                             "(default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="another seed gives another case of the same shape")
    parser.add_argument("--style", choices=STYLES, default="app",
                        help="app-like screenshots and grainy photos, or flat text-heavy "
                             "screenshots and smooth photos (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.exhibits < 1:
        parser.error("--exhibits must be at least 1")
    case = generate(args.folder, args.exhibits, seed=args.seed, style=args.style)
    print(f"Wrote {case.order}: {case.screenshots} screenshots, {case.photos} photos, "
          f"{case.messages} messages, {case.events} tracking events.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
