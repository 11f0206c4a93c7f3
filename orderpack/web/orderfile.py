"""The order file as the page edits it: read and written with ruamel.yaml's round trip, so
the buyer's comments, key order and quoting stay; written atomically; and a version (the
file's hash) so that a save never overwrites an edit made on disk since the page loaded it.

Values from a form are strings; they are written as the types the order file uses (dates
unquoted, amounts as numbers, everything else as text, quoted only where YAML needs it).
Checking is left to :func:`orderpack.validate`, which reads the file with its own loader.

A page view reads the order file again (it may have been edited on disk since); a
:class:`Reader` keeps each file as it was parsed, and parses it again only when its bytes
changed: ruamel's round trip costs a page view some 40 ms, a copy of the kept file 2 ms.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cachetools import FIFOCache
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

#: Keys whose value is a calendar date (written unquoted: 2026-09-14).
DATE_KEYS = {"placed", "shipped", "delivery_deadline", "protection_ends", "checked", "opened",
             "date"}
MONEY_KEYS = {"total", "price"}
INT_KEYS = {"quantity"}
Loc = tuple[str | int, ...]

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class Conflict(Exception):
    """The file changed on disk since the page read it."""


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:float", str(value))


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, but an impossible date (2026-13-02) stays the
    text it is, for the validator to point out, instead of stopping the page."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                             _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long message onto a second line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    return yaml


def version(text: bytes) -> str:
    """The version of a file's content: changes whenever the content does."""
    return hashlib.sha256(text).hexdigest()[:32]


def read(path: Path) -> tuple[Any, str]:
    """The order file's data (ruamel's commented types) and its version.

    Raise ``ruamel.yaml.YAMLError`` if it is not YAML (the validator says where).
    """
    raw = path.read_bytes()
    return _parsed(raw), version(raw)


class Reader:
    """The order files read so far, each kept as parsed, so that reading one again parses
    it only if it changed.

    The file's bytes are read every time (a few kilobytes): its version, which keeps a save
    from overwriting an edit made on disk, is always that of the file as it is now, and a
    kept file is used only for those very bytes, whatever its size and time say (a
    file system may keep times to the second only). The kept file is pickled, and each read
    returns a new copy of it: a change to what :meth:`read` returns (the form's values
    written into it) never changes what the next page view reads.
    """

    def __init__(self, limit: int = 64) -> None:
        self._kept: FIFOCache[Path, tuple[str, bytes]] = FIFOCache(maxsize=limit)

    def read(self, path: Path) -> tuple[Any, str]:
        """As :func:`read`: the order file's data (a copy of its own) and its version."""
        raw = path.read_bytes()
        now = version(raw)
        kept = self._kept.get(path)
        if kept is not None and kept[0] == now:
            return pickle.loads(kept[1]), now  # bytes this process pickled itself
        data = _parsed(raw)
        self._kept.pop(path, None)  # put back last: the file parsed longest ago goes first
        self._kept[path] = (now, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        return data, now


def _parsed(raw: bytes) -> Any:
    data = _yaml().load(raw.decode("utf-8-sig"))
    return data if data is not None else CommentedMap()


def dump(data: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def parse_loc(name: str) -> Loc:
    """``"order.items[0].price"`` → ``("order", "items", 0, "price")``; the inverse of
    orderpack's own field names in problems."""
    return tuple(int(index) if index else key for key, index in _PART.findall(name))


def typed(key: str | int, text: str) -> Any:
    """The value to write for ``text`` typed into the field ``key``; kept as text when it
    is not what the field expects (the validator then says what to write)."""
    text = text.strip()
    if key in DATE_KEYS:
        with contextlib.suppress(ValueError):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
    if key in MONEY_KEYS and re.fullmatch(r"\d+(\.\d+)?", text):
        with contextlib.suppress(InvalidOperation):
            return Decimal(text)
    if key in INT_KEYS and re.fullmatch(r"\d{1,9}", text):
        return int(text)
    return text


def _same_style(old: Any, new: Any) -> Any:
    """``new`` quoted as ``old`` was, if both are text."""
    if isinstance(new, str):
        for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
            if isinstance(old, style):
                return style(new)
    return new


def _shown(value: Any) -> str:
    """How a stored value reads in a form field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def set_value(data: Any, loc: Loc, text: str) -> None:
    """Write ``text`` at ``loc`` (creating mappings and list rows on the way); an empty
    ``text`` removes the key. An unchanged value is left as written (its quoting, its
    number format)."""
    parent = data
    for depth, part in enumerate(loc[:-1]):
        following = loc[depth + 1]
        child = _child(parent, part)
        if not isinstance(child, dict | list):
            if not text.strip():
                return  # nothing to remove below a value that is not there
            child = CommentedSeq() if isinstance(following, int) else CommentedMap()
            _put(parent, part, child)
        parent = child
    key = loc[-1]
    old = _child(parent, key)
    if not text.strip():
        if isinstance(parent, dict) and key in parent:
            del parent[key]
        return
    if old is not None and _shown(old) == text.strip():
        return
    _put(parent, key, _same_style(old, typed(key, text)))


def _child(parent: Any, part: str | int) -> Any:
    if isinstance(parent, dict) and isinstance(part, str):
        return parent.get(part)
    if isinstance(parent, list) and isinstance(part, int) and part < len(parent):
        return parent[part]
    return None


def _put(parent: Any, part: str | int, value: Any) -> None:
    if isinstance(parent, dict):
        parent[part] = value
    elif isinstance(parent, list) and isinstance(part, int):
        while len(parent) <= part:
            parent.append(CommentedMap())
        parent[part] = value


def get(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = _child(data, part)
        if data is None:
            return None
    return data


def shown(data: Any, loc: Loc) -> str:
    """The value at ``loc`` as a form shows it ("" if there is none)."""
    return _shown(get(data, loc))


def apply_form(data: Any, form: Mapping[str, str], lists: list[str]) -> Any:
    """``data`` with the form's fields written into it.

    Field names are orderpack's field names (``tracking.events[2].status``). Each name in
    ``lists`` (``tracking.events``) is a list the form holds whole: its rows are the
    indexes the form sends, in the order of the hidden ``ROW`` fields; rows the form does
    not send are removed, and so are rows whose every field is empty.
    """
    rows: dict[str, list[int]] = {name: [] for name in lists}
    for name, value in form.items():
        if name in rows:
            continue
        loc = parse_loc(name)
        if not loc or name.startswith("_") or name in {"csrf", "version", "section"}:
            continue
        set_value(data, loc, value)
    for name in lists:
        order = [int(index) for index in _values(form, name) if index.isdigit()]
        _keep_rows(data, parse_loc(name), order)
    return data


def _values(form: Mapping[str, str], name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return [str(value) for value in getlist(name)]
    value = form.get(name)
    return [] if value is None else value.split(",")


def _keep_rows(data: Any, loc: Loc, order: list[int]) -> None:
    """Keep the rows of the list at ``loc`` listed in ``order``, in that order, dropping
    empty ones; remove the list if none is left."""
    rows = get(data, loc)
    if not isinstance(rows, list):
        return
    kept = [rows[index] for index in order
            if index < len(rows) and not _empty(rows[index])]
    if kept == list(rows):
        return
    comments = [rows.ca.items.get(i) for i in range(len(rows))] if hasattr(rows, "ca") else []
    del rows[:]
    rows.extend(kept)
    del comments  # comments on removed or moved rows cannot follow them reliably
    if not kept:
        parent = get(data, loc[:-1]) if len(loc) > 1 else data
        if isinstance(parent, dict):
            del parent[loc[-1]]


def add_row(data: Any, loc: Loc) -> None:
    """Append an empty row to the list at ``loc``, creating the list if needed."""
    rows = get(data, loc)
    if not isinstance(rows, list):
        parent = data
        for part in loc[:-1]:
            child = _child(parent, part)
            if not isinstance(child, dict):
                child = CommentedMap()
                _put(parent, part, child)
            parent = child
        rows = CommentedSeq()
        _put(parent, loc[-1], rows)
    rows.append(CommentedMap())


def _empty(row: Any) -> bool:
    if isinstance(row, dict):
        return all(_empty(value) for value in row.values())
    if isinstance(row, list):
        return not row
    return row is None or (isinstance(row, str) and not row.strip())


def write(path: Path, text: str, expected_version: str | None) -> str:
    """Replace ``path`` with ``text`` atomically; return the new version.

    Raise :class:`Conflict` if the file's version is not ``expected_version`` (it was
    changed on disk since the page read it).
    """
    if expected_version is not None and version(path.read_bytes()) != expected_version:
        raise Conflict(str(path))
    raw = text.encode("utf-8")
    mode = path.stat().st_mode & 0o777
    with _temporary(path.parent, ".order.yaml.") as temp:
        temp.write_bytes(raw)
        temp.chmod(mode)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        temp.replace(path)
    return version(raw)


@contextlib.contextmanager
def _temporary(folder: Path, prefix: str) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix="~")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def candidate(folder: Path, text: str) -> Iterator[Path]:
    """``text`` as a hidden file in the case folder, for the validator (the files it names
    are relative to the folder); removed afterwards."""
    with _temporary(folder, ".orderpack-check-") as temp:
        temp.write_text(text, encoding="utf-8")
        yield temp
