"""Reading an order file: bytes to plain Python data, with the line of every field.

YAML is parsed with PyYAML's safe machinery and a stricter resolver than YAML 1.1's:

- dates and times stay strings, so the model checks them with clear messages
  (YAML 1.1 would turn ``2026-02-30`` into a crash and ``10:12`` into 612);
- only ``true``/``false`` are booleans (``country: NO`` stays Norway);
- decimal numbers become :class:`~decimal.Decimal`, so ``23.99`` stays exact;
- anchors and aliases are refused (an order file never needs them, and they are
  the way to a "billion laughs" bomb);
- a key given twice is an error naming both lines;
- a merge key (``<<:``) is refused by name: it only makes sense with aliases.

Why one module of about 620 lines: the stricter YAML resolver, constructor and loader,
the positions of every field (:class:`Document`) and the texts YAML cut at a ``#`` found
from them, the messages for YAML's own errors and the peek at ``buyer.language`` those
messages are said in are one reader; none is used without the others.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from orderpack import i18n
from orderpack.errors import OrderFileError, Problem
from orderpack.i18n import gettext as _
from orderpack.i18n import ngettext
from orderpack.words import clip

#: A field's position: the keys and list indexes leading to it, e.g. ("order", "items", 0).
Loc = tuple[str | int, ...]

MAX_ORDER_FILE_BYTES = 5 * 1024 * 1024


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1 implicit typing without timestamps, yes/no/on/off booleans, and the
    base-60, octal, hex and binary numbers (``10:12``, ``017``, ``0x1F`` stay text)."""


_REPLACED = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool",
             "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
                |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                |[-+]?\.(?:inf|Inf|INF)
                |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe construction, with decimal numbers as exact Decimals."""

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Decimal | float:  # type: ignore[override]
        text = str(node.value).replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            return float(super().construct_yaml_float(node))


_Constructor.add_constructor(  # type: ignore[type-var]  # the stubs' TypeVar is bound to stock loaders
    "tag:yaml.org,2002:float", _Constructor.construct_yaml_float
)


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _Constructor,
    _Resolver,
):
    """The pure-Python loader: slower, with the messages and checks the user sees."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(
                event.start_mark,
                _("YAML aliases (*name) are not allowed in an order file"),
                _("write the value out in full instead of referring to an &anchor"),
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(
                event.start_mark,
                _("YAML anchors (&%(anchor)s) are not allowed in an order file",
                  anchor=anchor),
                _("remove the &anchor and write each value out in full"),
            )
        return super().compose_node(parent, index)


#: Nesting deeper than this is refused as soon as the fast pass meets it: an order file's
#: deepest field is four levels down, and the pure-Python loader would recurse thousands of
#: levels before it says the same (0.6 s for a 10 KB file of brackets).
_FAST_MAX_DEPTH = 50


class _TooDeep(Exception):
    """The fast pass met nesting deeper than :data:`_FAST_MAX_DEPTH`."""


def _fast_compose(text: str) -> tuple[Any, Any] | None:
    """Compose with libyaml when the file is plain, valid YAML: no anchors or aliases, no
    no error. Anything else returns None, and the pure-Python loader reads the file again to
    say exactly what is wrong; nesting deeper than :data:`_FAST_MAX_DEPTH` raises
    :class:`_TooDeep`.

    Measured (`orderpack validate`, cold start, on 2 shared cores): for the sample it saves
    about 10 ms of 0.26 s (the loader takes 1.6 ms rather than 11 ms); for an order file
    of 1,000 inline messages (137 KB, the most the schema takes) 0.29 s rather than 0.47 s,
    the loader 33 ms rather than 310 ms. It keeps `validate` within 0.3 s."""
    if not getattr(yaml, "__with_libyaml__", False) or "\t" in text:
        return None  # libyaml allows some tabs PyYAML refuses; tabs take the careful path
    parser: Any = yaml.cyaml.CParser  # type: ignore[attr-defined]  # missing from the stubs

    class Fast(parser, _Constructor, _Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _FAST_MAX_DEPTH:
                    raise _TooDeep
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = Fast(text)
        return loader.get_single_node(), loader
    except yaml.YAMLError as exc:
        # libyaml's scanner reads a run of brackets ahead of the events and stops at 1,000
        # levels with this message (its words, in every version that limits the depth)
        if "exceeded maximum nesting depth" in str(exc):
            raise _TooDeep from None
        return None


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str, fix: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.fix = fix


@dataclass
class Document:
    """A parsed order file: its data and where each field was written."""

    path: Path
    data: dict[str, Any]
    lines: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    text: str = ""

    @property
    def name(self) -> str:
        """The file as the user named it, for messages."""
        return str(self.path)

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        """The 1-based (line, column) of ``loc``, or of its nearest written parent."""
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return (None, None)
            loc = loc[:-1]

    def problem(self, loc: Loc, message: str, fix: str = "") -> Problem:
        line, column = self.position(loc)
        return Problem(
            file=self.name,
            line=line,
            column=column,
            field=format_loc(loc),
            message=message,
            fix=fix,
        )

    def written_value(self, loc: Loc) -> str | None:
        """What is written after ``key:`` on the line of the field ``loc``, as written,
        comment included; None for a list's entry, or a field with no line of its own."""
        if loc not in self.lines or not isinstance(loc[-1], str):
            return None
        line, column = self.lines[loc]
        written = self._text_lines[line - 1][column - 1:] if line <= len(
            self._text_lines) else ""
        key = f"{loc[-1]}:"
        return written[len(key):] if written.startswith(key) else None

    @functools.cached_property
    def _text_lines(self) -> list[str]:
        return self.text.splitlines()


def quoted_line(key: str, text: str) -> str:
    """``key: "text"``: the line that makes ``text`` the value as written, escaped for YAML's
    double quotes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}: "{escaped}"'


#: A ``#`` that starts a text rather than a comment as people write one (``# like this``):
#: followed by anything but a space or another ``#`` (``#1``, ``#7 in 1``).
_TEXT_AFTER_HASH = re.compile(r"#[^\s#]")


def hash_starts_text(text: str) -> bool:
    """Whether ``text``, which YAML reads as a comment, starts as a text would
    (:data:`_TEXT_AFTER_HASH`)."""
    return _TEXT_AFTER_HASH.match(text) is not None


@dataclass(frozen=True)
class CutText:
    """A text field whose value YAML cut at ``#``: what was left out, and the line written
    so that all of it is the value."""

    loc: Loc
    left_out: str
    """The comment as written, from its ``#``."""
    quoted: str
    """``key: "the whole text"``, escaped for YAML."""


def cut_texts(document: Document) -> list[CutText]:
    """The text fields of ``document`` written unquoted on one line with `` #`` inside, where
    YAML ends a plain text and starts a comment: the rest of the text is silently left out.
    Not for a comment as people write them (``# like this``, or aligned after spaces, which
    the templates' are): :func:`hash_starts_text`."""
    found = []
    for loc, value in _texts(document.data, ()):
        written = document.written_value(loc)
        if written is None:
            continue
        before, hash_, after = written.partition(" #")
        left_out = f"#{after}".rstrip()
        if not hash_ or not hash_starts_text(left_out) or before.strip() != value:
            continue  # no comment, a comment as people write them, or a quoted value
        found.append(CutText(loc, left_out, quoted_line(str(loc[-1]), f"{value} {left_out}")))
    return found


def _texts(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Every text value in ``data``, with its position."""
    if isinstance(data, dict):
        return [item for key, value in data.items() for item in _texts(value, (*loc, key))]
    if isinstance(data, list):
        return [item for index, value in enumerate(data) for item in _texts(value, (*loc, index))]
    return [(loc, data)] if isinstance(data, str) else []


def format_loc(loc: Loc) -> str:
    """("order", "items", 0, "price") → "order.items[0].price"."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{visible(part)}" if text else visible(part)
    return text


#: What a message must not print as it is: control characters (line breaks and tabs
#: included, they would break the message's layout; others can drive the terminal, e.g.
#: ``"\e]0;title\a"`` written in quotes), and the bidi embeddings, overrides and isolates
#: that reorder the text after them.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` for a message: its control and bidi characters written as escapes (``\\x1b``,
    ``\\u202e``), so that echoing a user's value can neither hide nor reorder anything."""
    return _UNPRINTABLE.sub(lambda match: repr(match[0])[1:-1], text)


def read_text(path: Path, display: str | None = None) -> str:
    """Read a user's text file as UTF-8 (a BOM is fine), or explain what is wrong."""
    name = display or str(path)
    if not path.exists():
        raise OrderFileError(
            _("%(file)s: no such file", file=name),
            [Problem(name, _("the file does not exist"), fix=_("check the path and spelling"))],
        )
    if path.is_dir():
        raise OrderFileError(
            _("%(file)s: this is a folder, not a file", file=name),
            [Problem(name, _("this is a folder"),
                     fix=_("give the file inside it, e.g. %(file)s/order.yaml", file=name))],
        )
    size = path.stat().st_size
    if size > MAX_ORDER_FILE_BYTES:
        raise OrderFileError(
            _("%(file)s: the file is too large (%(size)s bytes)", file=name,
              size=i18n.decimal(size)),
            [Problem(name, _("the file is %(size)s bytes; order files are at most %(limit)s",
                             size=i18n.decimal(size), limit=i18n.decimal(MAX_ORDER_FILE_BYTES)),
                     fix=_("move long texts into separate files"))],
        )
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise OrderFileError.from_problems([
            Problem(name, _("the file is saved as UTF-16, not UTF-8"), line=1, column=1,
                    fix=_("save it again choosing the encoding UTF-8 in your editor"))
        ])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise OrderFileError.from_problems([
            Problem(name, _("this character is not UTF-8 text (byte 0x%(byte)02x)",
                            byte=raw[exc.start]),
                    line=line, column=column,
                    fix=_("save the file again choosing the encoding UTF-8 in your editor"))
        ]) from None


def refused(problems: list[Problem]) -> OrderFileError:
    """:meth:`OrderFileError.from_problems`, its first line ("2 problems in order.yaml:") said
    in the language in use (here: orderpack.errors is below orderpack.i18n)."""
    found = OrderFileError.from_problems(problems)
    files = ", ".join(sorted({problem.file for problem in found.problems}))
    return OrderFileError(ngettext("%(num)d problem in %(files)s:",
                                   "%(num)d problems in %(files)s:", len(found.problems),
                                   files=files), found.problems)


@dataclass(frozen=True)
class Source:
    """An order file's text, composed by libyaml where it can be (:func:`_fast_compose`):
    read once for its buyer's language (:func:`buyer_language`) and its :func:`load`."""

    text: str
    fast: tuple[Any, Any] | None
    """The composed root node and its loader, or None: the careful loader reads it."""
    too_deep: bool = False


def read(path: Path) -> Source:
    """The order file at ``path``, read and composed; OrderFileError if it cannot be read as
    text (:func:`read_text`). Faults of its YAML are found by :func:`load`."""
    text = read_text(path)
    try:
        return Source(text, _fast_compose(text))
    except _TooDeep:
        return Source(text, None, too_deep=True)


def load(path: Path, source: Source | None = None) -> Document:
    """Parse an order file into a :class:`Document`; raise OrderFileError if it is not YAML.
    ``source``: the file as :func:`read` read it already."""
    source = source or read(path)
    text = source.text
    name = str(path)
    problems: list[Problem] = []
    if "\t" in text:
        # PyYAML's message for a tab is cryptic; say it plainly, for every tab at once.
        for number, line in enumerate(text.splitlines(), start=1):
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if "\t" in indent:
                problems.append(Problem(name, _("a tab is used for indentation"), line=number,
                                        column=indent.index("\t") + 1,
                                        fix=_("indent with spaces only (YAML does not allow "
                                              "tabs)")))
        if problems:
            raise refused(problems)
    if source.too_deep:
        raise _too_deep(name)
    if source.fast is not None:
        root, loader = source.fast
        return _document(path, text, root, loader)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        raise OrderFileError.from_problems([Problem(
            name, _("the file contains an invisible control character (U+%(code)04X)",
                    code=exc.character),
            line=before.count("\n") + 1, column=exc.position - (before.rfind("\n") + 1) + 1,
            fix=_("delete it (it often comes with text copied from a web page or chat)"))],
        ) from None
    try:
        root = loader.get_single_node()
    except RecursionError:
        raise _too_deep(name) from None
    except _Refused as exc:
        raise OrderFileError.from_problems(
            [Problem(name, exc.message, line=exc.mark.line + 1, column=exc.mark.column + 1,
                     fix=exc.fix)]
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise OrderFileError.from_problems([_yaml_problem(name, exc)]) from None
    except yaml.YAMLError as exc:
        raise OrderFileError.from_problems(
            [Problem(name, _("not valid YAML: %(reason)s", reason=exc),
                     fix=_("check the file's syntax"))]
        ) from None
    finally:
        loader.dispose()
    return _document(path, text, root, loader)


def _document(path: Path, text: str, root: Any, loader: Any) -> Document:
    """The Document of a composed file, or the problems that keep it from being one."""
    name = str(path)
    problems: list[Problem] = []
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")):
        commented = any(line.lstrip().startswith("#") for line in text.splitlines())
        empty = _("the file has only comments") if commented else _("the file is empty")
        raise OrderFileError.from_problems(
            [Problem(name, empty, line=1,
                     fix=_("start from the template written by `orderpack init`"))]
        )
    if not isinstance(root, yaml.MappingNode):
        got = (_("the file must be made of `key: value` fields, but it is a list (lines "
                 "starting with `- `)") if isinstance(root, yaml.SequenceNode) else
               _("the file must be made of `key: value` fields, but it is a single text"))
        raise OrderFileError.from_problems(
            [Problem(name, got,
                     line=root.start_mark.line + 1, column=root.start_mark.column + 1,
                     fix=_("start with `platform: aliexpress`, then `buyer:`, `order:` and so "
                           "on, as in the template written by `orderpack init`"))]
        )
    document = Document(path=path, data={}, text=text)
    try:
        data = _build(root, (), document, loader, problems)
    except RecursionError:
        raise _too_deep(name) from None
    if problems:
        raise refused(problems)
    assert isinstance(data, dict)
    document.data = data
    return document


def _too_deep(name: str) -> OrderFileError:
    return OrderFileError.from_problems([Problem(
        name, _("the file is nested too deeply to be an order file"), line=1,
        fix=_("start from the template written by `orderpack init`"))])


def _yaml_problem(name: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    yamls = exc.problem or ""  # PyYAML's own words (English), for the cases not named below
    message = _("not valid YAML: %(reason)s", reason=yamls) if yamls else _("not valid YAML")
    fix = _("check the quotes, colons and indentation on this line")
    if "found unexpected end of stream" in yamls or "while scanning a quoted scalar" in str(
        exc.context
    ):
        message = _("not valid YAML: a quoted text is not closed")
        mark = exc.context_mark or mark
        fix = _("add the closing quote (\" or ') at the end of the text")
    elif "mapping values are not allowed" in yamls:
        fix = _("put texts that contain ': ' in quotes")
    elif "found another document" in yamls:
        message = _("not valid YAML: a second document starts here (`---`)")
        fix = _("an order file is one document: remove this line and keep one set of fields")
    elif "'\\t'" in yamls:
        message = _("not valid YAML: a tab character is not allowed here")
        fix = _("use spaces instead of tabs")
    elif found := re.search(r"found character '(.)' that cannot start any token", yamls):
        message = _('not valid YAML: a value cannot start with "%(character)s"',
                    character=found[1])
        fix = _("put the text in quotes")
    elif "expected <block end>" in yamls:
        message = _("not valid YAML: this line's indentation does not match the lines above")
        fix = _("indent the fields of one group by the same number of spaces")
    return Problem(
        name,
        message,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        fix=fix,
    )


def _build(
    node: yaml.Node,
    loc: Loc,
    document: Document,
    loader: _Loader,
    problems: list[Problem],
) -> Any:
    document.lines[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(
                    document.name, _("`<<:` (a YAML merge key) is not allowed in an order file"),
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1,
                    field=format_loc(loc),
                    fix=_("write the fields out in full here instead of merging them in")))
                continue
            key = _scalar(key_node, loc, document, loader, problems) if isinstance(
                key_node, yaml.ScalarNode) else None
            if key is _UNREADABLE:
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int) or isinstance(key, bool):
                problems.append(Problem(document.name, _("a key must be a plain word"),
                                        line=line, column=key_node.start_mark.column + 1,
                                        field=format_loc(loc), fix=_("write `name: value`")))
                continue
            key = str(key)
            if key in seen:
                problems.append(Problem(
                    document.name,
                    _("`%(key)s` is given twice (first on line %(line)d)", key=visible(key),
                      line=seen[key]),
                    line=line, column=key_node.start_mark.column + 1,
                    field=format_loc((*loc, key)), fix=_("keep one of them")))
                continue
            seen[key] = line
            result[key] = _build(value_node, (*loc, key), document, loader, problems)
            # Point a field at its key, which is where a user looks for it.
            document.lines[(*loc, key)] = (line, key_node.start_mark.column + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*loc, index), document, loader, problems)
            for index, item in enumerate(node.value)
        ]
    value = _scalar(node, loc, document, loader, problems)
    return None if value is _UNREADABLE else value


_UNREADABLE = object()


def _scalar(
    node: yaml.Node, loc: Loc, document: Document, loader: _Loader, problems: list[Problem]
) -> Any:
    """A scalar's value, or a problem (never a crash) when it cannot be read: an explicit tag
    that does not fit (`!!int abc`, `!!timestamp 2026-02-30`, `!foo`), or a number too long
    for Python to convert."""
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError, TypeError, OverflowError):
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        # The tag YAML itself gives this text: the same one means no tag was written.
        resolved = loader.resolve(  # type: ignore[no-untyped-call]  # untyped in the stubs
            yaml.ScalarNode, node.value, (True, False))
        implicit = resolved == node.tag
        if implicit and tag in ("!!int", "!!float"):
            message = _("%(value)s is too long to be read as a number",
                        value=clip(str(node.value)))
            fix = _("check the number; put text such as an order number in quotes")
        else:
            message = _("the YAML tag %(tag)s cannot be used here", tag=tag)
            fix = _("remove the tag (the word starting with !) and write just the value")
        problems.append(Problem(document.name, message, line=node.start_mark.line + 1,
                                column=node.start_mark.column + 1, field=format_loc(loc),
                                fix=fix))
        return _UNREADABLE


# --- The buyer's language, before the file is checked --------------------------------------

#: ``  language: es`` indented under ``buyer:``, for a file that is not valid YAML.
_LANGUAGE_LINE = re.compile(r"""^[ \t]+language:[ \t]*["']?([A-Za-z_-]+)""")
_BUYER_LINE = re.compile(r"^buyer:[ \t]*(?:#.*)?$")


def buyer_language(path: Path, source: Source | None = None) -> str:
    """The language the buyer reads (``buyer.language``), found even when the order file has
    other faults, so that those are said in it: from the parsed file, else from a line
    ``language:`` under ``buyer:``. English when the file cannot be read or names no
    language orderpack writes. ``source``: the file as :func:`read` read it already."""
    if source is None:
        try:
            source = read(path)
        except OrderFileError:
            return i18n.SOURCE
    fast = source.fast
    written = _language_node(fast[0]) if fast is not None else _language_line(source.text)
    return (i18n.normalise(written) if written else None) or i18n.SOURCE


def _value_of(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _language_node(root: Any) -> str | None:
    node = _value_of(_value_of(root, "buyer"), "language")
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _language_line(text: str) -> str | None:
    in_buyer = False
    for line in text.splitlines():
        if _BUYER_LINE.match(line):
            in_buyer = True
        elif line[:1] not in ("", " ", "\t", "#"):
            in_buyer = False
        elif in_buyer and (found := _LANGUAGE_LINE.match(line)):
            return found[1]
    return None
