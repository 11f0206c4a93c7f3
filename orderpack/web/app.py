"""The routes of `orderpack serve`: pages rendered on the server from Jinja templates,
over the exported API (:mod:`orderpack`) and the order file itself (:mod:`.orderfile`).

Every route names its case by its folder below CASES_DIR (``~`` for CASES_DIR itself) and
every file by its path inside the case folder; :mod:`.cases` refuses anything else.

Why one module of about 970 lines: every route is a method of one ``_Site`` that holds
the settings, the template environment and the build jobs, and the routes share its
helpers (the case lookup, the form reading, the page rendering in the case's language).
It reads by its sections (``# ---``), one per page of the site; the security rules, the
order file's round trip, the fields and the timeline picture are modules of their own.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

import orderpack
from orderpack import i18n
from orderpack.i18n import long_date
from orderpack.render import capitalize_first, money, templates_dir, with_gettext
from orderpack.web import fields, orderfile, timeline_svg
from orderpack.web.cases import (
    MEDIA_TYPES,
    ORDER_FILE,
    SUFFIXES,
    UPLOAD_FOLDERS,
    NotFound,
    Root,
    safe_name,
    unused,
)
from orderpack.web.jobs import Builds
from orderpack.web.previews import Previews
from orderpack.web.security import CSRF_FIELD, Guard, Secrets, allowed_hosts

if TYPE_CHECKING:
    from orderpack.evidence import WholeImages

ROOT_NAME = "~"
#: The largest file an upload may be: what `validate` accepts.
MAX_UPLOAD = 50 * 1024 * 1024
MAX_FILES = 20
OUT_FILES = {"evidence.pdf": "application/pdf", "dispute.txt": "text/plain; charset=utf-8",
             "manifest.json": "application/json", "exhibits.zip": "application/zip"}
#: The upload-ready exhibits' types (out/exhibits/: pictures, and a PDF exhibit's flattened
#: copy), which the build page links to.
EXHIBIT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".pdf": "application/pdf"}
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Settings:
    cases_dir: Path
    today: Callable[[], date]
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload: int = MAX_UPLOAD


@dataclass(frozen=True)
class _Shown:
    """An order file as the case page shows it: the case, the data (as read, or as the form
    would make it), the version it was read at, and what checking it found."""

    name: str
    order_path: Path
    data: Any
    version: str
    problems: Sequence[orderpack.Problem] = ()
    cautions: Sequence[orderpack.Problem] = ()


def create_app(settings: Settings, keys: Secrets) -> Guard:
    """The ASGI application: the routes behind the security guard."""
    site = _Site(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        site.builds.wait(timeout=120)

    app = Starlette(routes=[
        Route("/", site.cases_page),
        Route("/new", site.new_case_page, methods=["GET"]),
        Route("/new", site.new_case, methods=["POST"]),
        Route("/case/{case:path}", site.case_page, methods=["GET"]),
        Route("/case/{case:path}", site.save, methods=["POST"]),
        Route("/check/{case:path}", site.check, methods=["POST"]),
        Route("/status/{case:path}", site.status_page),
        Route("/text/{case:path}", site.dispute_text),
        Route("/upload/{case:path}", site.upload, methods=["POST"]),
        Route("/chat/{case:path}", site.upload_chat, methods=["POST"]),
        Route("/editor/{case:path}", site.editor_page),
        Route("/redact/{case:path}", site.redact, methods=["POST"]),
        Route("/preview/{case:path}", site.preview),
        Route("/file/{case:path}", site.file),
        Route("/build/{case:path}", site.build, methods=["POST"]),
        Route("/build/{case:path}", site.build_page, methods=["GET"]),
        Route("/progress/{case:path}", site.progress),
        Route("/out/{case:path}", site.out_file),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ], lifespan=lifespan, exception_handlers={HTTPException: site.error_page})
    return Guard(_Remembering(app, site.whole_images), keys,
                 allowed_hosts(settings.host, settings.port))


class _Remembering:
    """The app, each request's checks within the site's memory of the images found whole:
    a page view validates the case again, but reads through only pictures it has not seen
    (their bytes changed, or they are new)."""

    def __init__(self, app: ASGIApp, memory: WholeImages) -> None:
        self.app = app
        self.memory = memory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self.memory.remembered():
            await self.app(scope, receive, send)


@functools.cache
def _environment() -> jinja2.Environment:
    """The pages' templates, compiled once per process: nothing in the environment belongs
    to one site (its callables read the language in use as they render)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "web"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    with_gettext(env)  # the page's language: see _Site.page
    env.filters.update(long_date=long_date, money=money, decimal=i18n.decimal,
                       capitalize_first=capitalize_first,
                       zip=lambda first, second: list(zip(first, second, strict=False)),
                       remedy_label=lambda remedy: (
                           _said(fields.REMEDIES[remedy]) if remedy in fields.REMEDIES
                           else remedy),
                       said=_said, stage_name=_stage_name,
                       # a platform's own text (a reason on its form), in the page's language
                       platform_said=lambda text, platform: i18n.pgettext(platform, text),
                       said_choices=lambda choices: [(key, _said(text)) for key, text in choices])
    env.globals.update(languages=_languages, page_words=_page_words)
    env.tests["iso_date"] = lambda value: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)))
    return env


def _stage_name(stage: str) -> str:
    """A case's stage, in the page's language ("Dispute window")."""
    from orderpack.timeline import stage_name

    return stage_name(stage)


def _said(text: str, context: str = "") -> str:
    """A sentence kept in a table (fields.py, marked for the catalogs) in the page's language,
    in the sense ``context`` gives it if any."""
    if not text:
        return ""
    return i18n.pgettext(context, text) if context else i18n.gettext(text)


def _languages() -> list[tuple[str, str]]:
    """The languages a buyer may choose, each by its own name: ("es", "Español")."""
    return [(tag, capitalize_first(i18n.name(tag, tag))) for tag in i18n.SUPPORTED]


def language_of(data: Any) -> str:
    """The language of a case's pages: its ``buyer.language`` if orderpack writes it, else
    English (the order file's default)."""
    buyer = data.get("buyer") if isinstance(data, dict) else None
    written = buyer.get("language") if isinstance(buyer, dict) else None
    return (i18n.normalise(written) if isinstance(written, str) else None) or i18n.SOURCE


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted sentence for ``count``, its placeholders left for the page's
    script to fill (named so that `make catalogs` extracts the sentences)."""
    return i18n.raw_ngettext(singular, plural, count)


#: A number of each CLDR plural category in the languages orderpack writes (Spanish,
#: French and Portuguese name a million "many").
_PLURAL_SAMPLES = (*range(0, 112), 1_000_000)


def _forms(say: Callable[[int], str]) -> dict[str, str]:
    """A counted sentence for the browser: each CLDR plural category of the language in use
    (what ``Intl.PluralRules`` answers) with its form."""
    from babel import Locale

    rule = Locale.parse(i18n.babel_locale(i18n.current())).plural_form
    forms: dict[str, str] = {}
    for count in _PLURAL_SAMPLES:
        forms.setdefault(rule(count), say(count))
    return forms


def _page_words() -> dict[str, Any]:
    """What the page's scripts say (static/app.js, static/redact.js), from the same catalogs
    as the page: sentences with ``%(name)s`` placeholders, counted ones by plural category."""
    return {
        "fields_to_fix": _forms(lambda n: ngettext(
            "%(num)d field to fix", "%(num)d fields to fix", n)),
        "no_problems": i18n.gettext("No problems"),
        "copied": i18n.gettext("Copied"),
        "characters": _forms(lambda n: ngettext(
            "%(num)s character", "%(num)s characters", n)),
        "characters_of": _forms(lambda n: ngettext(
            "%(num)s character of %(limit)s allowed", "%(num)s characters of %(limit)s allowed",
            n)),
        "uploading": _forms(lambda n: ngettext(
            "Uploading %(num)d file…", "Uploading %(num)d files…", n)),
        "not_added": i18n.gettext("Not added: %(reasons)s"),
        "upload_failed": i18n.gettext("the upload failed"),
        "box": i18n.gettext("Box %(number)s: %(width)s by %(height)s pixels at %(x)s, %(y)s. "
                            "Arrows move it, Shift+arrows resize it, Delete removes it."),
    }


def _asked(request: Request) -> str:
    """The language a page of no case is asked in (``?lang=es``, the language picker's),
    else English."""
    return i18n.normalise(request.query_params.get("lang", "")) or i18n.SOURCE


def _url_name(name: str) -> str:
    return ROOT_NAME if name == "." else name


class _Site:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = Root(settings.cases_dir)
        self.env = _environment()
        self.builds = Builds()
        self.orders = orderfile.Reader()  # each order file parsed again only once changed
        self.whole_images = orderpack.whole_images()
        self.previews = Previews()  # each picture rendered again only once changed

    # --- helpers ------------------------------------------------------------------------

    def _case_language(self, order_path: Path) -> str:
        """:func:`language_of` the order file at ``order_path``; English if it cannot be
        read."""
        try:
            data, _version = self.orders.read(order_path)
        except (YAMLError, UnicodeDecodeError, OSError):
            return i18n.SOURCE
        return language_of(data)

    def page(self, request: Request, template: str, status_code: int = 200,
             lang: str = i18n.SOURCE, **context: Any) -> HTMLResponse:
        """``template`` rendered in ``lang``, the language of the case it shows (its
        ``buyer.language``; English for the pages of no case)."""
        state = request.scope.get("state", {})
        with i18n.using(lang) as tag:
            html = self.env.get_template(template).render(
                nonce=state.get("nonce", ""), csrf=state.get("csrf", ""),
                today=self.settings.today(), url_name=_url_name, lang=tag, **context)
        return HTMLResponse(html, status_code=status_code)

    def case(self, request: Request) -> tuple[str, Path]:
        """The case the request names, and its order file; 404 if it is none."""
        name = request.path_params["case"]
        raw = request.scope.get("raw_path", b"").lower()
        if b"%2f" in raw or b"%5c" in raw or b"%2e" in raw or b"%00" in raw:
            raise HTTPException(404, i18n.gettext("No such case."))
        name = "." if name == ROOT_NAME else name
        try:
            folder = self.root.case_folder(name)
        except NotFound:
            raise HTTPException(404, i18n.gettext("No such case.")) from None
        return name, folder / ORDER_FILE

    def inside(self, order_path: Path, name: str) -> Path:
        try:
            path = Root.inside(order_path.parent, name)
        except NotFound:
            raise HTTPException(404, i18n.gettext("No such file in this case.")) from None
        if not path.is_file():
            raise HTTPException(404, i18n.gettext("No such file in this case."))
        return path

    async def form(self, request: Request, *, max_files: int = 0) -> FormData:
        """The request's form; 403 unless it carries the CSRF token (see security.Guard)."""
        try:
            form = await request.form(max_files=max_files, max_fields=5000,
                                      max_part_size=256 * 1024)
        except HTTPException:
            raise
        except Exception:
            raise HTTPException(400, i18n.gettext("The form could not be read.")) from None
        checked = request.scope.get("state", {}).get("csrf_checked", False)
        token = form.get(CSRF_FIELD)
        keys_ok = isinstance(token, str) and token == request.scope["state"]["csrf"]
        if not checked and not keys_ok:
            raise HTTPException(403, i18n.gettext(
                "Refused: the form's security token is missing or wrong; reload the page."))
        return form

    async def error_page(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if "state" not in request.scope or "nonce" not in request.scope["state"]:
            return Response(exc.detail, exc.status_code, media_type="text/plain")
        # orderpack's messages are the catalog's sentences, said in the case's language if
        # there is one; the server's own (its status's phrase: "Not Found") stay as they are.
        lang = self._request_language(request)
        message = exc.detail
        if message != HTTPStatus(exc.status_code).phrase:
            with i18n.using(lang):
                message = i18n.gettext(message)
        return self.page(request, "error.html", exc.status_code, lang=lang, message=message)

    def _request_language(self, request: Request) -> str:
        """The language of the case a request names, if there is one, else English."""
        name = request.path_params.get("case")
        try:
            folder = self.root.case_folder("." if name == ROOT_NAME else str(name)) if (
                name) else None
        except (NotFound, OSError):
            folder = None
        return self._case_language(folder / ORDER_FILE) if folder else i18n.SOURCE

    # --- the cases ----------------------------------------------------------------------

    async def cases_page(self, request: Request) -> Response:
        today = self.settings.today()
        rows = [self._summary(name, today) for name in self.root.cases()]
        return self.page(request, "cases.html", lang=_asked(request), rows=rows,
                         cases_dir=self.root.folder)

    def _summary(self, name: str, today: date) -> dict[str, Any]:
        order_path = self.root.case_folder(name) / ORDER_FILE
        row: dict[str, Any] = {"name": name, "url": _url_name(name)}
        try:
            status = orderpack.status(order_path, today)  # validates the case, once
        except orderpack.OrderpackError as exc:
            row.update(valid=False, problems=len(exc.problems) or 1, urgency="problem")
            return row
        action = status.next_action
        days = (action.due - today).days if action.due else None
        if status.stage in {"closed", "window_closed"}:
            urgency = "closed"
        elif days is not None and days <= 0:
            urgency = "today"
        elif days is not None and days <= 7:
            urgency = "week"
        else:
            urgency = "later"
        row.update(valid=True, platform=status.platform_name, number=status.order_number,
                   stage=status.stage, action=action.text, due=action.due,
                   days=days, urgency=urgency)
        return row

    # --- a new case ---------------------------------------------------------------------

    NEW_FIELDS = ("platform", "buyer_name", "number", "placed", "delivery_deadline",
                  "protection_ends", "store", "item_title", "total", "currency", "payment",
                  "tracking_number", "shipped", "folder", "language")

    async def new_case_page(self, request: Request) -> Response:
        values = dict.fromkeys(self.NEW_FIELDS, "")
        values["platform"] = "aliexpress"
        values["language"] = _asked(request)
        return self._new_form(request, values, {})

    def _new_form(self, request: Request, values: dict[str, str],
                  problems: dict[str, str], status_code: int = 200) -> Response:
        return self.page(request, "new.html", status_code,
                         lang=i18n.normalise(values["language"]) or i18n.SOURCE,
                         values=values, problems=problems, platforms=_platform_choices)

    async def new_case(self, request: Request) -> Response:
        form = await self.form(request)
        values = {key: str(form.get(key, "")).strip() for key in self.NEW_FIELDS}
        language = i18n.normalise(values["language"]) or i18n.SOURCE
        values["language"] = language
        answers = {key: value for key, value in values.items()
                   if key not in {"folder", "language"}}
        today = self.settings.today()
        with i18n.using(language):  # the answers' problems, in the language chosen
            problems = orderpack.init_problems(answers, today)
        if problems:
            return self._new_form(request, values, problems, 422)
        folder = self.root.new_case_folder(values["folder"]
                                           or f"{values['platform']}-{values['number']}")
        try:
            order_path = orderpack.init(folder, answers, today).order_path
            if language != i18n.SOURCE:  # English is the order file's default
                data, version = self.orders.read(order_path)
                orderfile.set_value(data, ("buyer", "language"), language)
                orderfile.write(order_path, orderfile.dump(data), version)
        except orderpack.OrderpackError as exc:
            problems["folder"] = str(exc)
            return self._new_form(request, values, problems, 422)
        name = order_path.parent.relative_to(self.root.folder).as_posix()
        return RedirectResponse(f"/case/{name}?created=1", 303)

    # --- the case page ------------------------------------------------------------------

    async def case_page(self, request: Request) -> Response:
        name, order_path = self.case(request)
        try:
            data, version = self.orders.read(order_path)
        except (YAMLError, UnicodeDecodeError):
            return self._unreadable(request, name, order_path)
        problems, cautions = _checked(order_path)
        shown = _Shown(name, order_path, data, version, problems, cautions)
        return self._case(request, shown, saved=request.query_params.get("saved", ""),
                          created=bool(request.query_params.get("created")))

    def _unreadable(self, request: Request, name: str, order_path: Path) -> Response:
        problems = _problems(order_path)
        return self.page(request, "unreadable.html", 200, name=name, order_path=order_path,
                         problems=[p.words for p in problems])

    def _case(self, request: Request, shown: _Shown, *, saved: str = "",
              created: bool = False, conflict: bool = False,
              status_code: int = 200) -> Response:
        name, order_path, data = shown.name, shown.order_path, shown.data
        by_field: dict[str, list[str]] = {}
        for problem in shown.problems:
            by_field.setdefault(problem.field, []).append(problem.words)
        caution_by_field: dict[str, list[str]] = {}
        for caution in shown.cautions:  # what validate warns about: the file is valid
            caution_by_field.setdefault(caution.field, []).append(caution.words)
        platform_id = data.get("platform") if isinstance(data, dict) else None
        known = orderpack.platforms()
        profile = orderpack.platform(platform_id) if platform_id in known else None
        evidence = _evidence_rows(data, order_path)
        return self.page(
            request, "case.html", status_code, lang=language_of(data), name=name,
            order_path=order_path, data=data,
            version=shown.version, problems=by_field, cautions=caution_by_field,
            sections=fields.SECTIONS,
            evidence_rows=fields.EVIDENCE, evidence=evidence, profile=profile,
            platforms=_platform_choices, senders=fields.SENDERS,
            shown=orderfile.shown, parse_loc=orderfile.parse_loc, rows=_rows,
            saved=saved, created=created, conflict=conflict, shown_fields=_shown_fields(),
            messages_file=isinstance(data.get("messages"), dict),
            job=self.builds.get(order_path))

    def _candidate(self, order_path: Path, form: FormData) -> tuple[Any, str]:
        """The order file as it would be with the form's values, and its version on disk.

        The buttons of a row list act here: ``_drop`` removes a row, ``_up`` moves it up,
        ``_add`` appends an empty one (not saved: the page shows it to fill in).
        """
        data, version = self.orders.read(order_path)
        lists = [str(value) for value in form.getlist("_list")]
        values = {key: str(value) for key, value in form.multi_items()
                  if isinstance(value, str) and key not in {"_list"}}
        orders = {name: [str(v) for v in form.getlist(name)] for name in lists}
        for action in ("_drop", "_up"):
            target = str(form.get(action, ""))
            match = re.fullmatch(r"(.+)\[(\d+)\]", target)
            if match and match[1] in orders:
                order = orders[match[1]]
                if match[2] in order:
                    at = order.index(match[2])
                    if action == "_drop":
                        del order[at]
                    elif at > 0:
                        order[at - 1], order[at] = order[at], order[at - 1]
        data = orderfile.apply_form(data, _MultiForm(values, orders), lists)
        added = str(form.get("_add", ""))
        if added in lists:
            orderfile.add_row(data, orderfile.parse_loc(added))
        return data, version

    async def save(self, request: Request) -> Response:
        name, order_path = self.case(request)
        form = await self.form(request)
        section = str(form.get("section", ""))
        try:
            data, version = self._candidate(order_path, form)
        except (YAMLError, UnicodeDecodeError):
            return self._unreadable(request, name, order_path)
        shown = _Shown(name, order_path, data, version)
        if str(form.get("version", "")) != version:
            return self._case(request, shown, conflict=True, status_code=409)
        if form.get("_add"):
            return self._case(request, shown, saved="", status_code=200)
        text = orderfile.dump(data)
        problems = _check_text(order_path, text)
        if problems:
            return self._case(request, replace(shown, problems=problems), status_code=422)
        try:
            orderfile.write(order_path, text, version)
        except orderfile.Conflict:
            return self._case(request, shown, conflict=True, status_code=409)
        return RedirectResponse(f"/case/{_url_name(name)}?saved={section}#{section}", 303)

    async def check(self, request: Request) -> Response:
        """The problems the form would have if saved, by field (the page asks as the buyer
        types)."""
        _name, order_path = self.case(request)
        form = await self.form(request)
        try:
            data, _version = self._candidate(order_path, form)
        except (YAMLError, UnicodeDecodeError):
            return JSONResponse({"problems": {}, "general": ["order.yaml cannot be read"]})
        by_field: dict[str, list[str]] = {}
        for problem in _check_text(order_path, orderfile.dump(data)):
            by_field.setdefault(problem.field, []).append(problem.words)
        return JSONResponse({"problems": by_field})

    # --- status and dispute text --------------------------------------------------------

    async def status_page(self, request: Request) -> Response:
        name, order_path = self.case(request)
        today = self.settings.today()
        try:
            case = orderpack.validate(order_path)
            status = orderpack.status(order_path, today)
        except orderpack.OrderpackError as exc:
            return self.page(request, "invalid.html", 200,
                             lang=self._case_language(order_path), name=name,
                             problems=[(p.field, p.words) for p in exc.problems])
        steps: list[tuple[orderpack.MessageStep, str | None]] = []
        for step in orderpack.message_steps(order_path, today).steps:
            text = None  # a step that does not apply now has no message (it would be stale)
            if step.state != "does_not_apply":
                text = orderpack.message(order_path, step.id, today).text
            steps.append((step, text))
        with i18n.using(status.language):
            svg = timeline_svg.layout(status)
        return self.page(request, "status.html", lang=status.language, name=name, case=case,
                         status=status, svg=svg, steps=steps,
                         checks=[(p.field, p.words) for p in case.warnings],
                         order_path=order_path)

    async def dispute_text(self, request: Request) -> Response:
        """The dispute text a build would write now (JSON, for the status page)."""
        _name, order_path = self.case(request)
        try:
            text = orderpack.dispute_text(order_path, self.settings.today())
        except orderpack.OrderpackError as exc:
            return JSONResponse({"error": str(exc)}, 422)
        return JSONResponse({"text": text.text, "characters": text.characters,
                             "limit": text.limit})

    # --- evidence -----------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        name, order_path = self.case(request)
        # its refusals, in the buyer's language
        with i18n.using(self._case_language(order_path)):
            return await self._upload(request, name, order_path)

    async def _upload(self, request: Request, name: str, order_path: Path) -> Response:
        length = int(request.headers.get("content-length") or 0)
        if length > self.settings.max_upload * MAX_FILES:
            raise HTTPException(413, i18n.gettext("Too much at once: upload fewer files."))
        form = await self.form(request, max_files=MAX_FILES)
        uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        refused: list[str] = []
        added: list[str] = []
        try:
            for upload in uploads:
                try:
                    added.append(self._keep_upload(order_path, upload))
                except _Refused as exc:
                    refused.append(f"{upload.filename}: {exc}")
        finally:
            await form.close()
        if added:
            data, version = self.orders.read(order_path)
            rows = data.get("evidence")
            if not isinstance(rows, list):
                rows = CommentedSeq()
                data["evidence"] = rows
            for relative in added:
                row = CommentedMap()
                row["file"] = relative
                row["caption"] = _caption(relative)
                rows.append(row)
            orderfile.write(order_path, orderfile.dump(data), version)
        wants_json = "application/json" in request.headers.get("accept", "")
        if wants_json:
            return JSONResponse({"added": added, "refused": refused},
                                200 if added or not refused else 422)
        if refused:
            return self.page(request, "error.html", 422, lang=i18n.current(),
                             message=i18n.gettext("Some files were not added: %(reasons)s",
                                                  reasons="; ".join(refused)),
                             back=f"/case/{_url_name(name)}#evidence")
        return RedirectResponse(f"/case/{_url_name(name)}?saved=evidence#evidence", 303)

    def _keep_upload(self, order_path: Path, upload: UploadFile) -> str:
        """Check an upload as `validate` checks files and copy it into the case folder
        under a new, safe name; return that name relative to the case folder."""
        original = Path(upload.filename or "evidence")
        suffix = original.suffix.lower()
        suffix = suffix if suffix in {*SUFFIXES.values(), ".jpeg", ".tiff", ".heif"} else ""
        folder = order_path.parent
        with self._received(upload, folder, suffix) as temp:
            try:
                info = orderpack.check_file(temp, original.name)
            except orderpack.OrderpackError as exc:
                raise _Refused("; ".join(p.words for p in exc.problems) or str(exc)) from None
            kind_folder = folder / UPLOAD_FOLDERS[info.kind]
            kind_folder.mkdir(exist_ok=True)
            target = unused(kind_folder, original.stem, SUFFIXES.get(info.format, ".bin"))
            os.link(temp, target)  # fails rather than replace a file of the same name
        return target.relative_to(folder).as_posix()

    @contextlib.contextmanager
    def _received(self, upload: UploadFile, folder: Path, suffix: str) -> Iterator[Path]:
        """The upload copied into a hidden file in ``folder`` (removed afterwards); raise
        :class:`_Refused` if it is over the size limit."""
        too_big = i18n.gettext("the file is over the limit of %(limit)d MB",
                               limit=self.settings.max_upload // 1024 // 1024)
        if upload.size is not None and upload.size > self.settings.max_upload:
            raise _Refused(too_big)
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=suffix)
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                total = 0
                upload.file.seek(0)
                while chunk := upload.file.read(1024 * 1024):
                    total += len(chunk)
                    if total > self.settings.max_upload:
                        raise _Refused(too_big)
                    out.write(chunk)
            yield temp
        finally:
            temp.unlink(missing_ok=True)

    async def upload_chat(self, request: Request) -> Response:
        """An exported chat (and its translation) copied into the case folder under safe
        names and named in order.yaml's ``messages``, once `validate` reads it."""
        name, order_path = self.case(request)
        back = f"/case/{_url_name(name)}#messages"
        form = await self.form(request, max_files=2)
        try:
            with i18n.using(self._case_language(order_path)):
                return self._keep_chat(request, name, order_path, form, back)
        finally:
            await form.close()

    def _keep_chat(self, request: Request, name: str, order_path: Path, form: FormData,
                   back: str) -> Response:
        data, version = self.orders.read(order_path)
        if str(form.get("version", "")) != version:
            return self.page(request, "error.html", 409, lang=i18n.current(), back=back,
                             message=i18n.gettext(
                                 "order.yaml was changed on disk since this page was opened. "
                                 "Reload the page, then upload the chat again."))
        existing = data.get("messages")
        if isinstance(existing, list) and existing:
            return self.page(request, "error.html", 409, lang=i18n.current(), back=back,
                             message=i18n.gettext(
                                 "The case lists its messages already; an exported chat would "
                                 "replace them. Remove those rows first if the export holds "
                                 "them all."))
        uploads = {key: form.get(key) for key in ("chat", "translation")}
        files = {key: item for key, item in uploads.items()
                 if isinstance(item, UploadFile) and item.filename}
        if "chat" not in files:
            raise HTTPException(400, i18n.gettext("Choose the exported chat file (a .txt file)."))
        folder = order_path.parent
        kept: dict[str, Path] = {}
        try:
            for key, upload in files.items():
                with self._received(upload, folder, ".txt") as temp:
                    target = unused(folder, Path(upload.filename or "chat").stem, ".txt")
                    os.link(temp, target)  # fails rather than replace a file
                    kept[key] = target
            chat = CommentedMap()
            for key, path in kept.items():
                chat["file" if key == "chat" else key] = path.relative_to(folder).as_posix()
            data["messages"] = chat
            text = orderfile.dump(data)
            problems = [p for p in _check_text(order_path, text)
                        if p.field.startswith("messages")
                        or Path(p.file).name in {path.name for path in kept.values()}]
            if problems:
                raise _Refused("; ".join(_where(p) for p in problems))
            orderfile.write(order_path, text, version)
        except (_Refused, orderfile.Conflict) as exc:
            for path in kept.values():
                path.unlink(missing_ok=True)
            message = (i18n.gettext("order.yaml was changed on disk meanwhile; reload the page")
                       if isinstance(exc, orderfile.Conflict) else str(exc))
            return self.page(request, "error.html", 422, lang=i18n.current(), back=back,
                             message=i18n.gettext("The chat was not added: %(reason)s",
                                                  reason=message))
        return RedirectResponse(f"/case/{_url_name(name)}?saved=messages#messages", 303)

    def _evidence_path(self, order_path: Path, index_text: str) -> tuple[int, Any, Path]:
        data, _version = self.orders.read(order_path)
        rows = data.get("evidence")
        if not index_text.isdigit() or not isinstance(rows, list) or (
                int(index_text) >= len(rows)):
            raise HTTPException(404, i18n.gettext("No such evidence."))
        index = int(index_text)
        row = rows[index]
        file_name = row.get("file") if isinstance(row, dict) else None
        if not isinstance(file_name, str):
            raise HTTPException(404, i18n.gettext("No such evidence."))
        return index, row, self.inside(order_path, file_name)

    async def editor_page(self, request: Request) -> Response:
        name, order_path = self.case(request)
        index, row, path = self._evidence_path(order_path, request.query_params.get("n", ""))
        _data, version = self.orders.read(order_path)
        try:
            width, height = orderpack.shown_size(path, row["file"])
        except orderpack.OrderpackError as exc:
            raise HTTPException(422, str(exc)) from None
        boxes = [list(box) for box in row.get("redact") or [] if isinstance(box, list)]
        return self.page(request, "editor.html", lang=language_of(_data), name=name,
                         index=index, row=row,
                         width=width, height=height, boxes=json.dumps(boxes),
                         version=version, saved=bool(request.query_params.get("saved")))

    async def redact(self, request: Request) -> Response:
        name, order_path = self.case(request)
        # its refusals, in the buyer's language
        with i18n.using(self._case_language(order_path)):
            return await self._redact(request, name, order_path)

    async def _redact(self, request: Request, name: str, order_path: Path) -> Response:
        form = await self.form(request)
        index, _row, path = self._evidence_path(order_path, str(form.get("n", "")))
        boxes = _boxes(str(form.get("boxes", "[]")))
        if boxes is None:
            raise HTTPException(400, i18n.gettext("The boxes could not be read."))
        data, version = self.orders.read(order_path)
        if str(form.get("version", "")) != version:
            return self.page(request, "error.html", 409, lang=i18n.current(),
                             back=f"/editor/{_url_name(name)}?n={index}",
                             message=i18n.gettext(
                                 "order.yaml was changed on disk since this page was opened. "
                                 "Reload the page to see the changes."))
        row = data["evidence"][index]
        if boxes:
            value = CommentedSeq()
            for box in boxes:
                item = CommentedSeq(box)
                item.fa.set_flow_style()
                value.append(item)
            row["redact"] = value
        elif "redact" in row:
            del row["redact"]
        text = orderfile.dump(data)
        problems = _check_text(order_path, text)
        mine = [p for p in problems if p.field.startswith(f"evidence[{index}]")]
        if mine:
            raise HTTPException(422, "; ".join(p.words for p in mine))
        orderfile.write(order_path, text, version)
        del path
        return RedirectResponse(f"/editor/{_url_name(name)}?n={index}&saved=1", 303)

    async def preview(self, request: Request) -> Response:
        """An evidence picture as the build makes it (boxes from the query, or none)."""
        _name, order_path = self.case(request)
        file_name = request.query_params.get("file", "")
        path = self.inside(order_path, file_name)
        boxes = _boxes(request.query_params.get("boxes", "[]"))
        side_text = request.query_params.get("side", "1200")
        side = min(max(int(side_text), 64), 1600) if side_text.isdigit() else 1200
        if boxes is None:
            raise HTTPException(400, i18n.gettext("The boxes could not be read."))
        redact = [(x, y, w, h) for x, y, w, h in boxes]
        try:
            picture = self.previews.get(path, redact, side, lambda: orderpack.preview(
                path, file_name, redact, side))
        except orderpack.OrderpackError as exc:
            raise HTTPException(422, str(exc)) from None
        return Response(picture.data, media_type=picture.media_type)

    async def file(self, request: Request) -> Response:
        """An evidence file as it is, with its real type (by content)."""
        _name, order_path = self.case(request)
        file_name = request.query_params.get("name", "")
        path = self.inside(order_path, file_name)
        try:
            info = orderpack.check_file(path, file_name)
        except orderpack.OrderpackError:
            raise HTTPException(404, i18n.gettext("Not a file this page shows.")) from None
        media_type = MEDIA_TYPES.get(SUFFIXES.get(info.format, ""), "application/octet-stream")
        return Response(path.read_bytes(), media_type=media_type, headers={
            "content-disposition": "inline" if media_type != "application/octet-stream"
            else "attachment"})

    # --- build and download -------------------------------------------------------------

    async def build(self, request: Request) -> Response:
        name, order_path = self.case(request)
        await self.form(request)
        job = self.builds.start(order_path, self.settings.today())
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(job.as_json(), 202)
        return RedirectResponse(f"/build/{_url_name(name)}", 303)

    async def build_page(self, request: Request) -> Response:
        name, order_path = self.case(request)
        job = self.builds.get(order_path)
        out = order_path.parent / "out"
        return self.page(request, "build.html", lang=self._case_language(order_path), name=name,
                         job=job,
                         built=(out / "evidence.pdf").is_file(),
                         exhibits=(out / "exhibits").is_dir())

    async def progress(self, request: Request) -> Response:
        """The build's state, its steps in the language of the case's pages."""
        _name, order_path = self.case(request)
        job = self.builds.get(order_path)
        if job is None:
            return JSONResponse({"state": "none"})
        with i18n.using(self._case_language(order_path)):
            return JSONResponse({**job.as_json(), "steps": [_said(step) for step in job.steps]})

    async def out_file(self, request: Request) -> Response:
        """A file of the built packet (``?name=evidence.pdf``), or one of its upload-ready
        exhibits, shown in the browser (``?exhibit=B-chat-with-the-seller.png``)."""
        _name, order_path = self.case(request)
        file_name = request.query_params.get("name", "")
        exhibit = request.query_params.get("exhibit")
        if file_name not in OUT_FILES and exhibit is None:
            raise HTTPException(404, i18n.gettext("No such file in the packet."))
        out = order_path.parent / "out"
        if out.is_symlink() or not out.is_dir():
            raise HTTPException(404, i18n.gettext("Build the packet first."))
        if exhibit is not None:
            path = _exhibit(out, exhibit)
            return Response(path.read_bytes(), media_type=EXHIBIT_TYPES[path.suffix.lower()],
                            headers={"content-disposition": "inline"})
        if file_name == "exhibits.zip":
            data = _zip(out)
            disposition = 'attachment; filename="exhibits.zip"'
        else:
            path = out / file_name
            if path.is_symlink() or not path.is_file():
                raise HTTPException(404, i18n.gettext("Build the packet first."))
            data = path.read_bytes()
            inline = file_name.endswith((".pdf", ".txt"))
            disposition = f'{"inline" if inline else "attachment"}; filename="{file_name}"'
        return Response(data, media_type=OUT_FILES[file_name],
                        headers={"content-disposition": disposition})


class _Refused(Exception):
    pass


class _MultiForm(dict[str, str]):
    """A form's single values, with the row order of each list."""

    def __init__(self, values: dict[str, str], orders: dict[str, list[str]]) -> None:
        super().__init__(values)
        self._orders = orders

    def getlist(self, name: str) -> list[str]:
        return self._orders.get(name, [])


def _exhibit_files(out: Path) -> list[Path]:
    """The files of out/exhibits/ itself, by name (no link, no folder); 404 if there is no
    such folder, or it is a link."""
    folder = out / "exhibits"
    if folder.is_symlink() or not folder.is_dir():
        raise HTTPException(404, i18n.gettext("Build the packet first."))
    return sorted(path for path in folder.iterdir() if path.is_file() and not path.is_symlink())


def _exhibit(out: Path, name: str) -> Path:
    """The exhibit of the packet in ``out`` named ``name``, of a type the packet writes;
    404 otherwise."""
    for path in _exhibit_files(out):
        if path.name == name and path.suffix.lower() in EXHIBIT_TYPES:
            return path
    raise HTTPException(404, i18n.gettext("No such file in the packet."))


def _zip(out: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in _exhibit_files(out):
            archive.write(path, path.name)
    return buffer.getvalue()


def _problems(order_path: Path) -> list[orderpack.Problem]:
    return _checked(order_path)[0]


def _checked(order_path: Path) -> tuple[list[orderpack.Problem], list[orderpack.Problem]]:
    """What `validate` says of the order file: its problems, else its warnings."""
    try:
        case = orderpack.validate(order_path)
    except orderpack.OrderpackError as exc:
        return exc.problems or [orderpack.Problem(order_path.name, str(exc))], []
    return [], list(case.warnings)


def _check_text(order_path: Path, text: str) -> list[orderpack.Problem]:
    """The problems of ``text`` as the case's order file."""
    with orderfile.candidate(order_path.parent, text) as temp:
        return _problems(temp)


def _where(problem: orderpack.Problem) -> str:
    """A problem of a file other than order.yaml, with its file's name and line."""
    where = Path(problem.file).name + (f", line {problem.line}" if problem.line else "")
    return f"{where}: {problem.words}"


def _platform_choices() -> list[tuple[str, str]]:
    """Each platform by its name in the language in use (a template calls it as it renders:
    "Card chargeback" is said in the page's language)."""
    return [(pid, i18n.pgettext(pid, orderpack.platform(pid).name))
            for pid in orderpack.platforms()]


def _rows(data: Any, name: str) -> list[int]:
    value = orderfile.get(data, orderfile.parse_loc(name))
    return list(range(len(value))) if isinstance(value, list) else []


def _shown_fields() -> set[str]:
    names = set()
    for section in fields.SECTIONS:
        for prefix, field in section.fields:
            names.add(prefix + field.key)
    return names


def _evidence_rows(data: Any, order_path: Path) -> list[dict[str, Any]]:
    rows = data.get("evidence") if isinstance(data, dict) else None
    result = []
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        file_name = row.get("file") if isinstance(row, dict) else None
        picture = False
        if isinstance(file_name, str):
            with contextlib.suppress(NotFound):
                picture = Root.inside(order_path.parent, file_name).suffix.lower() != ".pdf"
        boxes = row.get("redact") if isinstance(row, dict) else None
        result.append({"index": index, "file": file_name, "picture": picture,
                       "boxes": json.dumps([list(b) for b in boxes or []
                                            if isinstance(b, list)])})
    return result


def _boxes(text: str) -> list[list[int]] | None:
    """Redaction boxes sent by the page: up to 100 lists of four whole numbers."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list) or len(value) > 100:
        return None
    boxes = []
    for box in value:
        if (not isinstance(box, list) or len(box) != 4
                or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 10**6
                           for n in box)):
            return None
        if box[2] >= 1 and box[3] >= 1:
            boxes.append(box)
    return boxes


def _caption(relative: str) -> str:
    stem = Path(relative).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if words else "Evidence"


__all__ = ["Settings", "create_app", "safe_name"]
