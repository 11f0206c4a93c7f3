#!/usr/bin/env python3
"""Regenerate the evidence images of the sample case ``samples/aliexpress-missing/``.

The sample case is a made-up AliExpress order whose parcel stopped moving in
China.  Its ``order.yaml`` is hand-written; the pictures it points to are drawn
by this script so that nobody's real screenshots end up in the repository:

* ``screenshots/tracking.png``   phone screenshot (1170x2532) of the parcel
  tracking page: no update since 14 September.
* ``screenshots/chat.png``       phone screenshot of the chat with the seller,
  with the seller's answers in Chinese.  The top 140 px (status bar and the
  "signed in as Jane Doe" strip) are what ``order.yaml`` redacts.
* ``screenshots/order-page.png`` phone screenshot of the order details page.
* ``photos/mailbox.jpg``         a "camera photo" of the empty parcel locker.
  It is stored sideways (2016x1512) with EXIF Orientation 6, GPS position
  (Berlin) and camera Make/Model/DateTimeOriginal, exactly like a phone photo,
  so that the EXIF handling of orderpack gets exercised.

Usage::

    python samples/make_samples.py            # from the repository root
    python samples/make_samples.py --out DIR  # write the case folder elsewhere

Requirements: Pillow and a Chinese (CJK) font, "Noto Sans CJK SC":

* Debian/Ubuntu: ``sudo apt install fonts-noto-cjk``
* Fedora:        ``sudo dnf install google-noto-sans-cjk-fonts``
* macOS:         ``brew install --cask font-noto-sans-cjk``

Fonts are looked up with ``fc-match`` (fontconfig) first, then in a few
well-known install locations.  The same font is used for the Latin text.

The output is deterministic: the only randomness (photo grain) comes from a
seeded generator, and no timestamps are written, so running the script twice
gives byte-identical files (given the same Pillow, zlib, libjpeg and font).

The tracking events and messages drawn here must match ``order.yaml``; they
are duplicated below (rather than read from the YAML) so that the script needs
nothing but Pillow.  If you change one, change the other.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

try:
    from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, ImageFont
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("make_samples.py needs Pillow: pip install pillow")

HERE = Path(__file__).resolve().parent
DEFAULT_CASE = HERE / "aliexpress-missing"

# --------------------------------------------------------------------------
# Case data (keep in sync with aliexpress-missing/order.yaml)
# --------------------------------------------------------------------------

BUYER_NAME = "Jane Doe"
BUYER_EMAIL = "jane@example.org"
ORDER_NUMBER = "8190123456789012"
STORE = "Shenzhen Gadget Store"
TRACKING_NUMBER = "LP00123456789012"
CARRIER = "Cainiao"
SHIPPING_METHOD = "AliExpress Standard Shipping"

# (title, variant, quantity, unit price)
ITEMS = [
    ("USB-C hub 7-in-1", "Colour: Space grey", 1, "23.99"),
    ("Braided USB-C cable 2 m", "Colour: Black", 2, "4.99"),
]
SUBTOTAL = "33.97"
SHIPPING_COST = "1.49"
TOTAL = "35.46"

# (date, time, place, status) - oldest first, as in order.yaml
TRACKING_EVENTS = [
    ("2026-09-06", "10:12", "Shenzhen, CN", "Accepted by carrier"),
    ("2026-09-07", "03:45", "Shenzhen, CN", "Arrived at sorting centre"),
    ("2026-09-08", "21:30", "Shenzhen, CN", "Departed from sorting centre"),
    ("2026-09-10", "14:20", "Guangzhou, CN", "Export customs clearance started"),
    ("2026-09-11", "09:05", "Guangzhou, CN", "Export customs clearance completed"),
    ("2026-09-13", "16:40", "Guangzhou, CN", "Handed over to airline"),
    ("2026-09-14", "02:15", "Guangzhou, CN", "Departed from country of origin"),
]

# (date, time, sender, text, translation) - oldest first, as in order.yaml
MESSAGES = [
    ("2026-10-25", "09:14", "buyer",
     "Hello, my order has had no tracking update since 14 September. "
     "Where is my parcel?", None),
    ("2026-10-25", "17:48", "seller",
     "亲，请耐心等待。包裹还在路上。",
     "Dear, please wait patiently. The parcel is still on the way."),
    ("2026-11-05", "08:30", "buyer",
     "The delivery deadline (20 October) has passed and there is still "
     "no update. Please refund me.", None),
    ("2026-11-05", "19:02", "seller",
     "亲，非常抱歉给您带来不便。我们可以免费为您重新发货，可以吗？",
     "Dear, we are very sorry for the inconvenience. We can send the parcel "
     "again for free, is that OK?"),
    ("2026-11-06", "07:55", "buyer",
     "No, thank you, I do not want a resend: the parcel is lost. "
     "Please give me a full refund of €35.46.", None),
    ("2026-11-07", "20:16", "seller",
     "亲，我们已经联系物流公司，请再等待十五天。",
     "Dear, we have contacted the logistics company. Please wait another 15 days."),
]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def nice_date(iso: str) -> str:
    """'2026-09-14' -> '14 Sep 2026' (no locale, no datetime: deterministic)."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------

FONT_HELP = """\
No Chinese (CJK) font found; the sample screenshots need one to draw the
seller's messages.  Install "Noto Sans CJK" and run this script again:

  Debian/Ubuntu:  sudo apt install fonts-noto-cjk
  Fedora:         sudo dnf install google-noto-sans-cjk-fonts
  Arch:           sudo pacman -S noto-fonts-cjk
  macOS:          brew install --cask font-noto-sans-cjk
"""

FAMILY = "Noto Sans CJK SC"

# Well-known places of the Noto Sans CJK files, used when fc-match is missing
# or finds nothing.  Glob patterns, relative to each root.
FONT_ROOTS = [
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path.home() / "Library/Fonts",
    Path("/Library/Fonts"),
    Path("/opt/homebrew/share/fonts"),
]
FONT_GLOBS = {
    "Regular": ["**/NotoSansCJK-Regular.ttc", "**/NotoSansCJKsc-Regular.otf",
                "**/NotoSansCJK.ttc", "**/NotoSansCJK-VF.otf.ttc"],
    "Bold": ["**/NotoSansCJK-Bold.ttc", "**/NotoSansCJKsc-Bold.otf",
             "**/NotoSansCJK.ttc"],
}


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int


def _has_cjk(face: FontFace) -> bool:
    """True if the face really draws Chinese (not just the .notdef box)."""
    try:
        font = ImageFont.truetype(face.path, 40, index=face.index,
                                  layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return False

    def render(char: str) -> bytes:
        img = Image.new("L", (60, 60))
        ImageDraw.Draw(img).text((30, 30), char, font=font, fill=255, anchor="mm")
        return img.tobytes()

    glyph = render("请")
    missing = render("\U0010fffd")  # a private-use character: surely absent
    return any(glyph) and glyph != missing


def _face_in_collection(path: Path, style: str) -> FontFace | None:
    """Find the "Noto Sans CJK SC <style>" face inside a font file/collection."""
    for index in range(64):
        try:
            font = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            break
        family, font_style = font.getname()
        if family == FAMILY and font_style == style:
            return FontFace(str(path), index)
    return None


def _fc_match(style: str) -> FontFace | None:
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{FAMILY}:style={style}"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}\n%{style}", pattern],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 4 or "CJK" not in out[2]:
        return None  # fontconfig substituted some unrelated font
    if style.lower() not in out[3].lower():
        return None  # e.g. asked for Bold, got Regular
    return FontFace(out[0], int(out[1] or 0))


def find_font(style: str) -> FontFace | None:
    face = _fc_match(style)
    if face and _has_cjk(face):
        return face
    for root in FONT_ROOTS:
        if not root.is_dir():
            continue
        for pattern in FONT_GLOBS[style]:
            for path in sorted(root.glob(pattern)):
                face = _face_in_collection(path, style)
                if face and _has_cjk(face):
                    return face
    return None


class Fonts:
    def __init__(self) -> None:
        regular = find_font("Regular")
        if regular is None:
            sys.stderr.write(FONT_HELP)
            sys.exit(1)
        # Without a bold face, fall back to the regular one (still readable).
        self.faces = {False: regular, True: find_font("Bold") or regular}

    @cache  # noqa: B019 - one Fonts object per run, the cache is the point
    def get(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        face = self.faces[bold]
        # BASIC layout: the same result whether or not libraqm is installed.
        return ImageFont.truetype(face.path, size, index=face.index,
                                  layout_engine=ImageFont.Layout.BASIC)


# --------------------------------------------------------------------------
# Phone screenshot helpers
# --------------------------------------------------------------------------

W, H = 1170, 2532          # iPhone 13/14 screenshot size (3x)
STATUS_H = 120             # status bar height used on the plain screens

INK = (25, 25, 25)
GREY = (117, 117, 117)
LIGHT = (160, 160, 160)
LINE = (232, 232, 232)
PAGE = (244, 244, 244)
WHITE = (255, 255, 255)
RED = (255, 71, 71)
DARK_RED = (226, 36, 36)
ORANGE = (255, 106, 0)
GREEN = (0, 160, 90)

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")
_NO_LINE_START = set("，。、？！：；）》」』,.;:!?)")


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; Chinese may break between any two characters."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        candidate = line + token
        if (not line or font.getlength(candidate.rstrip()) <= width
                or token in _NO_LINE_START):
            line = candidate
        elif token.isspace():
            lines.append(line.rstrip())
            line = ""
        else:
            lines.append(line.rstrip())
            line = token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Screen:
    """A phone screenshot being drawn."""

    def __init__(self, fonts: Fonts, background: tuple[int, int, int] = PAGE) -> None:
        self.fonts = fonts
        self.img = Image.new("RGB", (W, H), background)
        self.d = ImageDraw.Draw(self.img)

    def text(self, xy: tuple[float, float], s: str, size: int, fill=INK,
             bold: bool = False, anchor: str = "la") -> float:
        """Draw text; returns its advance width."""
        font = self.fonts.get(size, bold)
        self.d.text(xy, s, font=font, fill=fill, anchor=anchor)
        return font.getlength(s)

    def length(self, s: str, size: int, bold: bool = False) -> float:
        return self.fonts.get(size, bold).getlength(s)

    def paragraph(self, x: int, y: int, s: str, size: int, width: int,
                  leading: int, fill=INK, bold: bool = False) -> int:
        """Draw wrapped text with its top at y; returns the y below it."""
        for line in wrap(s, self.fonts.get(size, bold), width):
            self.text((x, y), line, size, fill, bold, anchor="lt")
            y += leading
        return y

    def card(self, top: int, bottom: int, margin: int = 36, radius: int = 30,
             fill=WHITE) -> None:
        self.d.rounded_rectangle((margin, top, W - margin, bottom), radius, fill=fill)

    def hline(self, y: int, x0: int = 0, x1: int = W, fill=LINE, width: int = 3) -> None:
        self.d.line((x0, y, x1, y), fill=fill, width=width)

    def chevron(self, x: int, y: int, size: int, fill=INK, left: bool = True,
                width: int = 7) -> None:
        dx = -size if left else size
        self.d.line((x - dx / 2, y - size, x + dx / 2, y, x - dx / 2, y + size),
                    fill=fill, width=width, joint="curve")

    def status_bar(self, time: str, top: int = 0, height: int = STATUS_H,
                   bg=WHITE, fg=INK) -> None:
        d = self.d
        d.rectangle((0, top, W, top + height), fill=bg)
        cy = top + height // 2 + 6
        self.text((150, cy), time, 46, fg, bold=True, anchor="mm")
        # signal bars
        x = 870
        for i in range(4):
            h = 12 + i * 8
            d.rounded_rectangle((x + i * 16, cy + 17 - h, x + i * 16 + 10, cy + 17), 3, fill=fg)
        # wi-fi: three arcs and a dot
        wx, wy = 975, cy + 16
        for r in (38, 26):
            d.arc((wx - r, wy - r, wx + r, wy + r), 225, 315, fill=fg, width=7)
        d.pieslice((wx - 14, wy - 14, wx + 14, wy + 14), 225, 315, fill=fg)
        # battery
        bx = 1030
        d.rounded_rectangle((bx, cy - 17, bx + 72, cy + 17), 9, outline=fg, width=3)
        d.rounded_rectangle((bx + 6, cy - 11, bx + 52, cy + 11), 5, fill=fg)
        d.rounded_rectangle((bx + 76, cy - 7, bx + 82, cy + 7), 2, fill=fg)

    def nav_bar(self, title: str, top: int = STATUS_H, height: int = 150,
                bg=WHITE, fg=INK) -> int:
        self.d.rectangle((0, top, W, top + height), fill=bg)
        cy = top + height // 2
        self.chevron(70, cy, 26, fg)
        self.text((W / 2, cy), title, 54, fg, bold=True, anchor="mm")
        self.hline(top + height - 2)
        return top + height

    def home_indicator(self, bg=None) -> None:
        if bg is not None:
            self.d.rectangle((0, H - 70, W, H), fill=bg)
        self.d.rounded_rectangle((W / 2 - 210, H - 36, W / 2 + 210, H - 22), 7, fill=INK)

    def pill(self, x: int, cy: int, s: str, size: int, fg, bg, pad: int = 22,
             outline=None, anchor_right: bool = False) -> int:
        """A rounded label; x is its left edge (or right edge); returns its width."""
        w = int(self.length(s, size)) + 2 * pad
        h = int(size * 1.6)
        x0 = x - w if anchor_right else x
        self.d.rounded_rectangle((x0, cy - h / 2, x0 + w, cy + h / 2), h // 2,
                                 fill=bg, outline=outline, width=3)
        self.text((x0 + w / 2, cy), s, size, fg, anchor="mm")
        return w

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Flat UI colours: an adaptive palette keeps the PNG small and the
        # anti-aliased text crisp.  No metadata is written (no timestamps).
        img = self.img.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        img.save(path, format="PNG", optimize=True)


# --------------------------------------------------------------------------
# screenshots/tracking.png
# --------------------------------------------------------------------------

def draw_tracking(fonts: Fonts, path: Path) -> None:
    s = Screen(fonts)
    s.status_bar("14:32")
    y = s.nav_bar("Track package")

    # --- summary card -----------------------------------------------------
    top = y + 36
    s.card(top, top + 690)
    x = 90
    s.text((x, top + 60), "In transit", 64, ORANGE, bold=True, anchor="lt")
    s.text((x, top + 150), "No update for 67 days", 42, GREY, anchor="lt")
    s.text((x, top + 215), "Estimated delivery: by 20 Oct 2026", 42, INK, anchor="lt")
    s.pill(W - 90, top + 103, "Delayed", 36, DARK_RED, (255, 236, 236), anchor_right=True)

    # progress stepper
    steps = ["Shipped", "In transit", "Out for\ndelivery", "Delivered"]
    sy = top + 340
    xs = [165 + i * 280 for i in range(4)]
    s.d.line((xs[0], sy, xs[1], sy), fill=ORANGE, width=8)
    s.d.line((xs[1], sy, xs[3], sy), fill=LINE, width=8)
    for i, (sx, label) in enumerate(zip(xs, steps, strict=True)):
        done = i <= 1
        r = 22 if i == 1 else 17
        s.d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=ORANGE if done else (210, 210, 210))
        if i == 1:
            s.d.ellipse((sx - 9, sy - 9, sx + 9, sy + 9), fill=WHITE)
        for j, part in enumerate(label.split("\n")):
            s.text((sx, sy + 50 + j * 46), part, 36, INK if done else LIGHT,
                   bold=(i == 1), anchor="mt")
    s.hline(top + 490, 90, W - 90)

    # carrier and tracking number
    s.text((x, top + 530), "Carrier", 38, GREY, anchor="lt")
    s.text((x + 260, top + 530), CARRIER, 38, INK, bold=True, anchor="lt")
    s.text((x, top + 600), "Tracking no.", 38, GREY, anchor="lt")
    s.text((x + 260, top + 600), TRACKING_NUMBER, 38, INK, bold=True, anchor="lt")
    s.pill(W - 90, top + 622, "Copy", 34, GREY, WHITE, outline=(200, 200, 200), anchor_right=True)

    # --- timeline card ----------------------------------------------------
    top = top + 690 + 36
    row = 172
    bottom = top + 150 + row * len(TRACKING_EVENTS) + 20
    s.card(top, bottom)
    s.text((x, top + 55), "Tracking details", 48, INK, bold=True, anchor="lt")
    s.text((W - 90, top + 62), SHIPPING_METHOD, 34, GREY, anchor="rt")

    dot_x = 120
    first_y = top + 170
    events = list(reversed(TRACKING_EVENTS))  # latest at the top
    s.d.line((dot_x, first_y + 20, dot_x, first_y + row * (len(events) - 1) + 20),
             fill=(220, 220, 220), width=5)
    for i, (date, time, place, status) in enumerate(events):
        ey = first_y + i * row
        latest = i == 0
        if latest:
            s.d.ellipse((dot_x - 24, ey - 4, dot_x + 24, ey + 44), fill=(255, 225, 204))
            s.d.ellipse((dot_x - 14, ey + 6, dot_x + 14, ey + 34), fill=ORANGE)
        else:
            s.d.ellipse((dot_x - 11, ey + 9, dot_x + 11, ey + 31), fill=(200, 200, 200))
        s.text((180, ey), status, 44, ORANGE if latest else INK, bold=latest, anchor="lt")
        day, month = nice_date(date).split()[:2]
        s.text((180, ey + 66), f"{day} {month} {date[:4]}, {time}  ·  {place}", 36,
               GREY, anchor="lt")

    s.text((W / 2, bottom + 50), "Updated 20 Nov 2026, 14:32  ·  Data provided by Cainiao",
           32, LIGHT, anchor="mt")
    s.home_indicator()
    s.save(path)


# --------------------------------------------------------------------------
# screenshots/chat.png
# --------------------------------------------------------------------------

CHAT_BG = (237, 237, 237)
BUYER_BUBBLE = (255, 90, 54)
REDACT_H = 140  # order.yaml redacts [0, 0, 1170, 140]


def draw_chat(fonts: Fonts, path: Path) -> None:
    s = Screen(fonts, CHAT_BG)
    # Top 140 px: status bar + "signed in as" strip - the part order.yaml hides.
    s.status_bar("14:35", height=80)
    s.d.rectangle((0, 80, W, REDACT_H), fill=(250, 250, 250))
    s.d.ellipse((40, 86, 88, 134), fill=(120, 144, 200))
    s.text((64, 110), "JD", 22, WHITE, bold=True, anchor="mm")
    s.text((104, 110), f"Signed in as {BUYER_NAME}", 34, INK, bold=True, anchor="lm")
    s.text((W - 40, 110), BUYER_EMAIL, 32, GREY, anchor="rm")

    # header with the seller
    top = REDACT_H
    s.d.rectangle((0, top, W, top + 160), fill=WHITE)
    s.hline(top, fill=LINE, width=2)
    cy = top + 80
    s.chevron(60, cy, 24)
    s.d.ellipse((110, cy - 48, 206, cy + 48), fill=RED)
    s.text((158, cy), "S", 50, WHITE, bold=True, anchor="mm")
    s.text((236, cy - 25), STORE, 46, INK, bold=True, anchor="lm")
    s.text((236, cy + 30), "Usually replies within 24 hours", 34, GREY, anchor="lm")
    for dx in (140, 110, 80):  # "more" menu
        s.d.ellipse((W - dx, cy - 6, W - dx + 12, cy + 6), fill=INK)
    s.hline(top + 158, width=2)

    # pinned order card
    top += 160
    s.d.rectangle((0, top, W, top + 130), fill=(252, 252, 252))
    s.d.rounded_rectangle((40, top + 18, 134, top + 112), 14, fill=(70, 74, 82))
    s.d.rounded_rectangle((58, top + 52, 116, top + 78), 8, fill=(150, 155, 165))
    s.text((164, top + 42), f"Order {ORDER_NUMBER}", 36, INK, bold=True, anchor="lm")
    s.text((164, top + 92), f"{ITEMS[0][0]} + 1 more  ·  €{TOTAL}", 34, GREY, anchor="lm")
    s.pill(W - 40, top + 65, "View", 32, RED, WHITE, outline=RED, anchor_right=True)
    s.hline(top + 128, width=2)

    # messages: buyer on the right, seller on the left; the app shows its
    # machine translation under the seller's Chinese text.
    y = top + 130 + 26
    size, leading, pad = 38, 52, 26
    tr_size, tr_leading = 31, 42
    max_text = 850
    last_date = None
    for date, time, sender, text, translation in MESSAGES:
        if date != last_date:
            label = nice_date(date)
            w = s.length(label, 30) + 44
            s.d.rounded_rectangle((W / 2 - w / 2, y, W / 2 + w / 2, y + 50), 25,
                                  fill=(222, 222, 222))
            s.text((W / 2, y + 25), label, 30, GREY, anchor="mm")
            y += 50 + 22
            last_date = date
        font, tr_font = fonts.get(size), fonts.get(tr_size)
        lines = wrap(text, font, max_text)
        tr_lines = wrap(translation, tr_font, max_text) if translation else []
        widths = [font.getlength(line) for line in lines]
        widths += [tr_font.getlength(line) for line in tr_lines]
        bw = int(max(widths)) + 2 * pad
        bh = len(lines) * leading + 2 * pad - 8
        if tr_lines:
            bh += 62 + len(tr_lines) * tr_leading
        mine = sender == "buyer"
        x0 = W - 40 - bw if mine else 40
        s.d.rounded_rectangle((x0, y, x0 + bw, y + bh), 28,
                              fill=BUYER_BUBBLE if mine else WHITE)
        ty = s.paragraph(x0 + pad, y + pad, text, size, max_text, leading,
                         WHITE if mine else INK)
        if tr_lines:
            s.hline(ty + 4, x0 + pad, x0 + bw - pad, width=2)
            s.text((x0 + pad, ty + 20), "Translated", 24, LIGHT, bold=True, anchor="lt")
            ty += 58
            for line in tr_lines:
                s.text((x0 + pad, ty), line, tr_size, GREY, anchor="lt")
                ty += tr_leading
        y += bh + 8
        if mine:
            s.text((x0 + bw - 6, y), f"{time}  Read", 28, LIGHT, anchor="rt")
        else:
            s.text((x0 + 6, y), time, 28, LIGHT, anchor="lt")
        y += 50

    # input bar
    bar = H - 200
    if y > bar + 10:  # y includes the 50 px gap after the last timestamp
        raise SystemExit(f"chat.png: messages overflow the screen ({y} > {bar})")
    s.d.rectangle((0, bar, W, H), fill=WHITE)
    s.hline(bar, width=2)
    s.d.rounded_rectangle((40, bar + 24, W - 190, bar + 110), 43, fill=(242, 242, 242))
    s.text((80, bar + 67), "Type a message…", 38, LIGHT, anchor="lm")
    s.d.ellipse((W - 160, bar + 20, W - 50, bar + 114), fill=RED)
    cx, cy = W - 105, bar + 67
    s.d.polygon([(cx - 22, cy - 24), (cx + 26, cy), (cx - 22, cy + 24), (cx - 12, cy)], fill=WHITE)
    s.home_indicator()
    s.save(path)


# --------------------------------------------------------------------------
# screenshots/order-page.png
# --------------------------------------------------------------------------

def draw_hub(d: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """Product thumbnail: a grey USB hub."""
    d.rounded_rectangle((x, y, x + size, y + size), 16, fill=(236, 238, 242))
    d.rounded_rectangle((x + 20, y + 62, x + size - 20, y + size - 62), 18, fill=(88, 92, 102))
    for i in range(4):
        px = x + 38 + i * 26
        d.rectangle((px, y + 84, px + 14, y + 96), fill=(30, 30, 34))
    d.line((x + size - 20, y + size / 2, x + size - 4, y + size / 2 - 30),
           fill=(60, 60, 60), width=6)


def draw_cable(d: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """Product thumbnail: a coiled black cable."""
    d.rounded_rectangle((x, y, x + size, y + size), 16, fill=(236, 238, 242))
    c = x + size / 2, y + size / 2
    for r in (52, 40, 28):
        d.ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), outline=(40, 40, 44), width=8)
    d.rounded_rectangle((x + size - 52, y + 18, x + size - 24, y + 52), 6, fill=(170, 170, 178))


def draw_order_page(fonts: Fonts, path: Path) -> None:
    s = Screen(fonts)
    s.status_bar("14:38", bg=RED, fg=WHITE)
    y = s.nav_bar("Order details", bg=RED, fg=WHITE)

    # status banner (continues the red header)
    s.d.rectangle((0, y - 2, W, y + 230), fill=RED)
    s.text((70, y + 30), "Awaiting delivery", 60, WHITE, bold=True, anchor="lt")
    s.text((70, y + 118), "Buyer Protection: 13 days left", 42, WHITE, anchor="lt")
    s.text((70, y + 172), "If the order is not received, open a dispute before 3 Dec 2026.",
           32, (255, 222, 222), anchor="lt")
    y += 230

    # tracking teaser
    gap = 24  # between cards
    top = y + gap
    s.card(top, top + 200)
    s.d.rounded_rectangle((80, top + 60, 150, top + 120), 10, fill=ORANGE)
    s.d.rectangle((150, top + 80, 180, top + 120), fill=ORANGE)
    for wx in (100, 160):
        s.d.ellipse((wx - 14, top + 112, wx + 14, top + 140), fill=INK)
    s.text((220, top + 52), TRACKING_EVENTS[-1][3], 42, ORANGE, bold=True, anchor="lt")
    s.text((220, top + 118), "14 Sep 2026, 02:15  ·  Guangzhou, CN", 36, GREY, anchor="lt")
    s.chevron(W - 90, top + 100, 18, LIGHT, left=False, width=6)

    # shipping address
    top += 200 + gap
    s.card(top, top + 250)
    px, py = 115, top + 80
    s.d.ellipse((px - 30, py - 30, px + 30, py + 30), fill=RED)
    s.d.polygon([(px - 26, py + 14), (px + 26, py + 14), (px, py + 60)], fill=RED)
    s.d.ellipse((px - 12, py - 12, px + 12, py + 12), fill=WHITE)
    s.text((190, top + 50), f"{BUYER_NAME}   +49 30 1234567", 42, INK, bold=True, anchor="lt")
    s.text((190, top + 115), "Musterstraße 1", 38, GREY, anchor="lt")
    s.text((190, top + 170), "10115 Berlin, Germany", 38, GREY, anchor="lt")

    # store and items
    top += 250 + gap
    item_h = 215
    s.card(top, top + 120 + item_h * len(ITEMS) + 10)
    s.d.rounded_rectangle((80, top + 40, 130, top + 90), 10, fill=RED)
    s.text((105, top + 65), "S", 32, WHITE, bold=True, anchor="mm")
    s.text((155, top + 65), STORE, 44, INK, bold=True, anchor="lm")
    s.chevron(155 + int(s.length(STORE, 44, True)) + 30, top + 66, 13, GREY, left=False, width=5)
    s.pill(W - 80, top + 65, "Contact seller", 32, INK, WHITE, outline=(200, 200, 200),
           anchor_right=True)
    iy = top + 130
    for (title, variant, qty, price), thumb in zip(ITEMS, (draw_hub, draw_cable), strict=True):
        thumb(s.d, 80, iy, 180)
        s.text((300, iy + 10), title, 42, INK, anchor="lt")
        s.text((300, iy + 72), variant, 36, GREY, anchor="lt")
        s.text((300, iy + 132), f"€{price}", 42, INK, bold=True, anchor="lt")
        s.text((W - 80, iy + 138), f"x{qty}", 38, GREY, anchor="rt")
        iy += item_h

    # price summary
    top = iy + 10 + gap
    s.card(top, top + 330)
    rows = [("Subtotal", f"€{SUBTOTAL}"), ("Shipping", f"€{SHIPPING_COST}")]
    ry = top + 40
    for label, value in rows:
        s.text((80, ry), label, 40, GREY, anchor="lt")
        s.text((W - 80, ry), value, 40, INK, anchor="rt")
        ry += 64
    s.hline(ry + 6, 80, W - 80)
    s.text((80, ry + 34), "Total", 46, INK, bold=True, anchor="lt")
    s.text((W - 80, ry + 28), f"€{TOTAL}", 54, RED, bold=True, anchor="rt")
    s.text((80, ry + 110), "Paid with Visa ending 4242", 36, GREY, anchor="lt")

    # order information
    top += 330 + gap
    info = [
        ("Order number", ORDER_NUMBER),
        ("Order placed", "2 Sep 2026, 11:24"),
        ("Shipping", SHIPPING_METHOD),
        ("Tracking no.", TRACKING_NUMBER),
    ]
    s.card(top, top + 100 + 64 * len(info))
    s.text((80, top + 36), "Order information", 44, INK, bold=True, anchor="lt")
    ry = top + 108
    for label, value in info:
        s.text((80, ry), label, 36, GREY, anchor="lt")
        s.text((380, ry), value, 36, INK, anchor="lt")
        if label == "Order number":
            s.text((W - 80, ry), "Copy", 36, (40, 110, 220), anchor="rt")
        ry += 64

    # bottom action bar
    bar = H - 200
    if top + 100 + 64 * len(info) > bar:
        raise SystemExit("order-page.png: content runs under the bottom bar")
    s.d.rectangle((0, bar, W, H), fill=WHITE)
    s.hline(bar, width=2)
    for label, x1, filled in (("Open dispute", W - 420, False), ("Track order", W - 40, True)):
        w = 340
        s.d.rounded_rectangle((x1 - w, bar + 28, x1, bar + 118), 45,
                              fill=RED if filled else WHITE,
                              outline=None if filled else (190, 190, 190), width=3)
        s.text((x1 - w / 2, bar + 73), label, 40, WHITE if filled else INK, bold=filled,
               anchor="mm")
    s.home_indicator()
    s.save(path)


# --------------------------------------------------------------------------
# photos/mailbox.jpg
# --------------------------------------------------------------------------

PHOTO_W, PHOTO_H = 1512, 2016  # upright (portrait); stored sideways as 2016x1512


def vertical_gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    """An RGB image fading from colour `top` to colour `bottom`."""
    w, h = size
    mask = Image.linear_gradient("L").resize((w, h))  # 0 at top, 255 at bottom
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def draw_mailbox_scene(fonts: Fonts) -> Image.Image:
    """The upright photo: a wall of parcel lockers with one empty compartment open."""
    img = vertical_gradient((PHOTO_W, PHOTO_H), (196, 190, 178), (150, 146, 138))  # wall
    d = ImageDraw.Draw(img)
    floor_y = 1720
    img.paste(vertical_gradient((PHOTO_W, PHOTO_H - floor_y), (120, 116, 110), (84, 80, 76)),
              (0, floor_y))
    for i in range(-6, 14):  # floor tile joints in perspective
        d.line((PHOTO_W / 2 + i * 60, floor_y, PHOTO_W / 2 + i * 260, PHOTO_H),
               fill=(98, 94, 90), width=3)
    for fy in (1790, 1880, 1990):
        d.line((0, fy, PHOTO_W, fy), fill=(98, 94, 90), width=3)

    # locker body and shadow
    x0, y0, x1, y1 = 170, 230, 1342, 1730
    d.rectangle((x0 + 30, y1 - 10, x1 + 60, y1 + 40), fill=(70, 68, 66))
    d.rectangle((x0, y0, x1, y1), fill=(66, 72, 80))
    d.rectangle((x0, y0 - 90, x1, y0), fill=(228, 180, 30))  # coloured top sign
    d.text(((x0 + x1) / 2, y0 - 45), "PAKETSTATION 118", font=fonts.get(58, True),
           fill=(40, 40, 40), anchor="mm")

    cols = [(x0 + 20, x0 + 400), (x0 + 410, x1 - 410), (x1 - 400, x1 - 20)]
    rows_side = [(y0 + 20, y0 + 330), (y0 + 340, y0 + 650), (y0 + 660, y0 + 970),
                 (y0 + 980, y0 + 1200), (y0 + 1210, y1 - 20)]
    rows_mid = [(y0 + 20, y0 + 560), (y0 + 570, y0 + 880), (y0 + 890, y0 + 1200),
                (y0 + 1210, y1 - 20)]
    open_door = (0, 2)  # column, row of the empty, open compartment
    number = 1
    for c, (cx0, cx1) in enumerate(cols):
        rows = rows_mid if c == 1 else rows_side
        for r, (ry0, ry1) in enumerate(rows):
            if c == 1 and r == 0:  # control panel with screen and keypad
                d.rectangle((cx0, ry0, cx1, ry1), fill=(52, 56, 62))
                d.rectangle((cx0 + 60, ry0 + 50, cx1 - 60, ry0 + 250), fill=(20, 40, 70))
                d.rectangle((cx0 + 70, ry0 + 60, cx1 - 70, ry0 + 120), fill=(40, 80, 130))
                for k in range(12):
                    kx = cx0 + 90 + (k % 3) * 90
                    ky = ry0 + 300 + (k // 3) * 58
                    d.rounded_rectangle((kx, ky, kx + 70, ky + 44), 6, fill=(150, 154, 160))
                continue
            if (c, r) == open_door:
                # dark, empty compartment with visible back wall
                d.rectangle((cx0, ry0, cx1, ry1), fill=(22, 22, 24))
                d.rectangle((cx0 + 50, ry0 + 40, cx1 - 50, ry1 - 40), fill=(44, 45, 48))
                d.polygon([(cx0, ry1), (cx0 + 50, ry1 - 40), (cx1 - 50, ry1 - 40), (cx1, ry1)],
                          fill=(58, 58, 62))  # floor of the compartment, catching light
                for corner in ((cx0, ry0, cx0 + 50, ry0 + 40), (cx1, ry0, cx1 - 50, ry0 + 40),
                               (cx0, ry1, cx0 + 50, ry1 - 40), (cx1, ry1, cx1 - 50, ry1 - 40)):
                    d.line(corner, fill=(34, 34, 36), width=3)
                number += 1  # its number plate is on the open door, seen edge-on
                continue
            d.rectangle((cx0, ry0, cx1, ry1), fill=(120, 128, 138))
            d.rectangle((cx0 + 6, ry0 + 6, cx1 - 6, ry1 - 6), fill=(138, 146, 156))
            d.rectangle((cx1 - 60, (ry0 + ry1) / 2 - 40, cx1 - 40, (ry0 + ry1) / 2 + 40),
                        fill=(70, 74, 80))  # handle
            d.rectangle((cx0 + 30, ry0 + 30, cx0 + 110, ry0 + 80), fill=(236, 236, 230))
            d.text((cx0 + 70, ry0 + 55), str(number), font=fonts.get(34, True),
                   fill=(30, 30, 30), anchor="mm")
            number += 1

    # the open door, swung towards the camera (left of its compartment)
    cx0, cx1 = cols[0]
    ry0, ry1 = rows_side[open_door[1]]
    d.polygon([(cx0, ry0), (cx0 - 150, ry0 - 40), (cx0 - 150, ry1 + 40), (cx0, ry1)],
              fill=(128, 136, 146))
    d.polygon([(cx0 - 150, ry0 - 40), (cx0 - 165, ry0 - 36), (cx0 - 165, ry1 + 36),
               (cx0 - 150, ry1 + 40)], fill=(90, 96, 104))

    # soft light from the upper left, camera blur
    light = Image.radial_gradient("L").resize((PHOTO_W * 2, PHOTO_H * 2))
    light = light.crop((PHOTO_W // 2 + 350, PHOTO_H // 2 + 450,
                        PHOTO_W // 2 + 350 + PHOTO_W, PHOTO_H // 2 + 450 + PHOTO_H))
    shade = Image.new("RGB", img.size, (20, 18, 16))
    img = Image.composite(shade, img, light.point(lambda v: v * 150 // 255))
    return img.filter(ImageFilter.GaussianBlur(1.6))


def add_grain(img: Image.Image, seed: int, amount: int = 10) -> Image.Image:
    """Add sensor-like luminance noise of about +-amount from a seeded generator."""
    rng = random.Random(seed)
    w, h = img.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    # soften the pixel-sized speckles into grain, then scale to 128 +- amount
    noise = noise.filter(ImageFilter.GaussianBlur(0.6))
    noise = noise.point(lambda v: 128 + (v - 128) * amount // 64)
    grain = Image.merge("RGB", [noise, noise, noise])
    return ImageChops.add(img, grain, scale=1.0, offset=-128)


def draw_mailbox(fonts: Fonts, path: Path) -> None:
    upright = add_grain(draw_mailbox_scene(fonts), seed=20261120)
    # Orientation 6 means "rotate 90 degrees clockwise to display", so store
    # the picture turned 90 degrees counter-clockwise, the way a phone held
    # upright writes its landscape sensor data.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    assert stored.size == (2016, 1512)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = "Pixel 7a"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.DateTime] = "2026:11:20 17:42:10"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "2026:11:20 17:42:10"
    sub[ExifTags.Base.OffsetTimeOriginal] = "+01:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSVersionID] = b"\x02\x02\x00\x00"
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)   # 52.52 N
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 18.0)  # 13.405 E

    path.parent.mkdir(parents=True, exist_ok=True)
    stored.save(path, format="JPEG", quality=85, exif=exif, optimize=True)


# --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_CASE,
                        help="case folder to write into (default: %(default)s)")
    args = parser.parse_args(argv)
    fonts = Fonts()
    case: Path = args.out
    jobs = [
        ("screenshots/tracking.png", draw_tracking),
        ("screenshots/chat.png", draw_chat),
        ("screenshots/order-page.png", draw_order_page),
        ("photos/mailbox.jpg", draw_mailbox),
    ]
    for rel, draw in jobs:
        target = case / rel
        draw(fonts, target)
        print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
