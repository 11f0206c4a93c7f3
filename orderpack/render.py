"""Jinja rendering: the built-in templates, user overrides, and strict undefined values.

User text always reaches a template as data, never as template source. HTML
templates autoescape; text templates do not (nothing there is markup).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from orderpack import i18n, words
from orderpack.errors import TemplateError
from orderpack.words import plural

_PACKAGE = Path(__file__).parent


def templates_dir() -> Path:
    """The built-in templates: inside the installed package, or ``templates/`` of a checkout."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("orderpack's built-in templates are missing; reinstall orderpack")


Kind = Literal["text", "html"]


@cache
def environment(kind: Kind, override: Path | None = None) -> jinja2.Environment:
    """A Jinja environment for ``kind``; templates in ``override`` win over built-ins by name."""
    search = [str(templates_dir())]
    if override is not None:
        search.insert(0, str(override))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=kind == "html",
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    with_gettext(env)
    env.filters.update(FILTERS)
    return env


def with_gettext(env: jinja2.Environment) -> None:
    """Give ``env`` (made with the ``jinja2.ext.i18n`` extension) orderpack's catalogs:
    {% trans %} blocks are whole sentences, their line breaks and indentation collapsed (as
    babel.cfg extracts them), their placeholders filled after translation (newstyle). The
    callables read the language in use (i18n.using), so one cached environment serves all."""
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.raw_gettext, i18n.raw_ngettext, newstyle=True,
        pgettext=i18n.raw_pgettext, npgettext=i18n.raw_npgettext)


def render(
    name: str, context: Mapping[str, Any], *, kind: Kind = "text", override: Path | None = None
) -> str:
    """Render template ``name``; any template fault becomes a TemplateError naming the place."""
    env = environment(kind, override.resolve() if override else None)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{_shown(exc.filename, override) or exc.name or name}:{exc.lineno}"
        raise TemplateError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{_where(exc, name, override)}: {exc.message} — the template uses a variable "
            "orderpack does not provide; see the README's list of template variables") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"{_where(exc, name, override)}: template {exc.name!r} not found — a template "
            "can include only templates in its own folder or orderpack's") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_where(exc, name, override)}: {exc}") from None


def _where(exc: BaseException, name: str, override: Path | None) -> str:
    """The template file and line that raised ``exc`` while rendering, as "file:line" (Jinja
    rewrites a traceback so that template code shows as frames of the template's file)."""
    found = name
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and Path(filename).is_file():
            found = f"{_shown(filename, override)}:{trace.tb_lineno}"
        trace = trace.tb_next
    return found


def _shown(filename: str | None, override: Path | None) -> str | None:
    """A template's file as the user knows it: inside the ``--templates`` folder as they gave
    it, or a built-in template's name."""
    if not filename:
        return None
    path = Path(filename)
    for folder, shown in ((override, override), (templates_dir(), None)):
        if folder is not None and path.is_relative_to(folder.resolve()):
            relative = path.relative_to(folder.resolve())
            return str(shown / relative) if shown is not None else relative.as_posix()
    return filename


def money(amount: Any, currency: str) -> str:
    """68.17 EUR, 68,17 €: amounts keep their cents, written as the language in use writes
    them (see i18n.money)."""
    return i18n.money(amount, currency)


def yaml_scalar(value: Any) -> str:
    """A value written so YAML reads it back as the same text (quotes where needed)."""
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|[A-Za-z][\w .,/()&+-]*[\w.)]", text) and not re.fullmatch(
        r"(?i)true|false|null|yes|no|on|off|~", text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def css_string(value: Any) -> Markup:
    """Text made safe inside a CSS string in a <style> block (where HTML escapes do not apply)."""
    out = []
    for char in str(value):
        if char in '\\"<>&' or ord(char) < 0x20 or char == "\x7f":
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup("".join(out))


def capitalize_first(value: Any) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def one_line(value: Any) -> str:
    """A multi-line text (a message) on one line, its line breaks made spaces: quoted in a
    sentence of the dispute text, where each line of the template is a sentence."""
    return " ".join(part.strip() for part in str(value).splitlines() if part.strip())


def moment(value: Any) -> str:
    """A message or tracking time: 6 Sep 2026 10:12 (+08:00 where the file gave an offset)."""
    text = i18n.short_date(value)
    if (value.hour, value.minute, value.second) != (0, 0, 0) or value.tzinfo is not None:
        text += f" {i18n.clock(value)}"
    if value.tzinfo is not None:
        offset = value.strftime("%z")
        text += f" ({offset[:3]}:{offset[3:]})" if offset else ""
    return text


def script_lang(value: Any) -> str:
    """A BCP 47 language tag guessed from the script of ``value`` (see words.script_lang)."""
    return words.script_lang(str(value))


FILTERS: dict[str, Any] = {
    "css_string": css_string,
    "capitalize_first": capitalize_first,
    "one_line": one_line,
    "relative_days": i18n.relative_days,
    "moment": moment,
    "script_lang": script_lang,
    "long_date": i18n.long_date,
    "column_date": i18n.column_date,
    "and_list": i18n.and_list,
    "money": money,
    "plural": plural,
    "yaml": yaml_scalar,
}
