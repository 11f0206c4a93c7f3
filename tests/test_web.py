"""`orderpack serve`'s pages through Starlette's test client: every route, every security
rule (each refused request changes nothing and shows no case data), and the round trip
of order files through the page's save path."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx2
import pytest
from conftest import FIXTURES, SAMPLES
from markupsafe import escape
from PIL import Image
from web_helpers import BASE, TODAY, WebClient, client, close_clients, finished, forms

import orderpack
from orderpack import images, model, validation
from orderpack.web import orderfile

ALI = "aliexpress-missing"
NUMBER = "8190123456789012"


def _copy_samples(root: Path) -> Path:
    """``root``, made as a CASES_DIR holding copies of both samples."""
    root.mkdir()
    for name in (ALI, "ebay-not-received"):
        shutil.copytree(SAMPLES / name, root / name, ignore=shutil.ignore_patterns("out"))
    return root


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """A CASES_DIR holding copies of both samples."""
    return _copy_samples(tmp_path / "cases")


@pytest.fixture(scope="module")
def read_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CASES_DIR holding copies of both samples, shared by the tests that only read it:
    GET requests (none may change a file) and orderpack's own reading calls."""
    return _copy_samples(tmp_path_factory.mktemp("read") / "cases")


@pytest.fixture(scope="module")
def read_client(read_cases: Path) -> Iterator[WebClient]:
    """One signed-in client of ``read_cases`` for the many requests that only read."""
    shared = client(read_cases, shared=True)
    yield shared
    shared.__exit__(None, None, None)


@pytest.fixture(scope="module")
def stranger(read_cases: Path) -> Iterator[WebClient]:
    """One client of ``read_cases`` that never signed in, for the requests it is refused
    (a refusal sets no cookie: it stays a stranger's)."""
    shared = client(read_cases, signed_in=False, shared=True)
    yield shared
    shared.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """The clients a test opened are closed after it."""
    yield
    close_clients()


Fields = dict[str, list[str]]


def _form(html: str, action_part: str, section: str | None = None) -> Fields:
    """The fields of the page's form for ``action_part`` (and ``section``), as the
    browser would send them."""
    for form in forms(html):
        values = dict(form.fields)
        if action_part in form.action and (section is None or values.get("section") == section):
            fields: Fields = {}
            for key, value in form.fields:
                fields.setdefault(key, []).append(value)
            return fields
    raise AssertionError(f"no form for {action_part} {section}")


def _set(fields: Fields, name: str, value: str) -> Fields:
    assert name in fields, name
    return {**fields, name: [value]}


# --- security -------------------------------------------------------------------------

GET_ROUTES = ["/", "/new", f"/case/{ALI}", f"/status/{ALI}", f"/text/{ALI}",
              f"/editor/{ALI}?n=0", f"/preview/{ALI}?file=screenshots/tracking.png",
              f"/file/{ALI}?name=screenshots/tracking.png", f"/build/{ALI}",
              f"/progress/{ALI}", f"/out/{ALI}?name=dispute.txt", "/static/app.js"]
POST_ROUTES = ["/new", f"/case/{ALI}", f"/check/{ALI}", f"/upload/{ALI}", f"/chat/{ALI}",
               f"/redact/{ALI}",
               f"/build/{ALI}"]


@pytest.mark.parametrize("route", GET_ROUTES)
def test_every_page_needs_the_session(stranger: WebClient, route: str) -> None:
    answer = stranger.get(route)
    assert "set-cookie" not in answer.headers
    assert answer.status_code == 403
    assert NUMBER not in answer.text
    assert "Jane" not in answer.text


def test_a_wrong_session_cookie_is_refused(read_cases: Path) -> None:
    test_client = client(read_cases, signed_in=False)
    test_client.cookies.set("orderpack_session", "0" * 64)
    assert test_client.get("/").status_code == 403


def test_the_token_starts_a_strict_http_only_session(read_cases: Path) -> None:
    test_client = client(read_cases, signed_in=False)
    keys = test_client.keys
    answer = test_client.get(f"/case/{ALI}?token={keys.token}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/case/{ALI}"  # the token leaves the address
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert keys.token not in cookie
    assert test_client.get(f"/case/{ALI}").status_code == 200


def test_a_wrong_token_is_refused(read_cases: Path) -> None:
    answer = client(read_cases, signed_in=False).get("/?token=guessed")
    assert answer.status_code == 403
    assert "set-cookie" not in answer.headers


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost",
                                  "127.0.0.1.evil.example:8765", ""])
def test_a_foreign_host_is_refused(read_client: WebClient, host: str) -> None:
    answer = read_client.get(f"/case/{ALI}", headers={"host": host})
    assert answer.status_code == 400
    assert NUMBER not in answer.text


def test_localhost_with_the_port_is_served(read_client: WebClient) -> None:
    answer = read_client.get("/", headers={"host": "localhost:8765"})
    assert answer.status_code == 200


@pytest.fixture(scope="module")
def refused_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CASES_DIR holding copies of both samples, shared by the tests of requests that are
    refused: each checks that its own request changed nothing."""
    return _copy_samples(tmp_path_factory.mktemp("refused") / "cases")


@pytest.fixture(scope="module")
def refused_client(refused_cases: Path) -> Iterator[WebClient]:
    """One signed-in client of ``refused_cases`` that sends no Origin of its own: each
    request says its own, or none."""
    shared = client(refused_cases, shared=True)
    shared.headers.pop("origin")
    yield shared
    shared.__exit__(None, None, None)


@pytest.mark.parametrize("route", POST_ROUTES)
@pytest.mark.parametrize("origin", ["http://evil.example", "null", None,
                                    "http://127.0.0.1:9999"])
def test_a_cross_origin_post_is_refused(refused_cases: Path, refused_client: WebClient,
                                        route: str, origin: str | None) -> None:
    cases = refused_cases
    test_client = refused_client
    before = (cases / ALI / "order.yaml").read_bytes()
    headers = {"x-csrf-token": test_client.keys.csrf}
    if origin is not None:
        headers["origin"] = origin
    answer = test_client.post(route, data={"order.store": "Changed"}, headers=headers)
    assert answer.status_code == 403
    assert (cases / ALI / "order.yaml").read_bytes() == before
    assert not (cases / "changed").exists()


@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_post_without_the_csrf_token_is_refused(refused_cases: Path,
                                                  refused_client: WebClient,
                                                  route: str) -> None:
    cases = refused_cases
    test_client = refused_client
    same_origin = {"origin": BASE}
    before = (cases / ALI / "order.yaml").read_bytes()
    assert test_client.post(route, data={"section": "order"},
                            headers=same_origin).status_code == 403
    wrong = test_client.post(route, data={"csrf": "x"},
                             headers={**same_origin, "x-csrf-token": "x"})
    assert wrong.status_code == 403
    assert (cases / ALI / "order.yaml").read_bytes() == before


def test_pages_carry_a_strict_policy_with_a_fresh_nonce(read_client: WebClient) -> None:
    first, second = read_client.get(f"/case/{ALI}"), read_client.get(f"/case/{ALI}")
    policy = first.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in first.text
    assert nonce not in second.headers["content-security-policy"]
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["referrer-policy"] == "same-origin"  # Origin: null otherwise
    assert "<script" not in first.text.replace(f'<script type="module" nonce="{nonce}"', "")


TRAVERSALS = ["..", "../..", "..%2f..%2fetc", "%2e%2e", "%2e%2e%2fcases", ".%2e/x",
              "aliexpress-missing%2f..%2f..", "aliexpress-missing/../..", "/etc", "//etc",
              "aliexpress-missing%5c..", "C:", ".hidden", "aliexpress-missing%00"]


@pytest.fixture(scope="module")
def traversal_answers() -> dict[str, httpx2.Response]:
    """The answers to the requests below by the address the client sends: it removes dot
    segments, so that 27 of the 126 ask for the cases page, "/" (12 ms each), asked once."""
    return {}


@pytest.mark.parametrize("prefix", ["case", "status", "text", "editor", "preview", "file",
                                    "build", "progress", "out"])
@pytest.mark.parametrize("name", TRAVERSALS)
def test_no_case_name_leads_outside(read_cases: Path, read_client: WebClient,
                                    traversal_answers: dict[str, httpx2.Response],
                                    prefix: str, name: str) -> None:
    (read_cases.parent / "order.yaml").write_text("platform: secret\n", encoding="utf-8")
    sent = str(read_client.build_request("GET", f"/{prefix}/{name}").url)
    if sent not in traversal_answers:
        traversal_answers[sent] = read_client.get(sent)
    answer = traversal_answers[sent]
    assert "secret" not in answer.text
    if answer.url.path.startswith(f"/{prefix}/"):  # else the client removed the dot segments
        assert answer.status_code == 404


@pytest.fixture(scope="module")
def linked_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CASES_DIR beside a secret picture, which a link in the AliExpress case points to;
    shared by the tests that only ask for files."""
    cases = _copy_samples(tmp_path_factory.mktemp("linked") / "cases")
    secret = cases.parent / "secret.png"
    Image.new("RGB", (10, 10), "red").save(secret)
    (cases / ALI / "link.png").symlink_to(secret)
    return cases


@pytest.fixture(scope="module")
def linked_client(linked_cases: Path) -> Iterator[WebClient]:
    """One signed-in client of ``linked_cases``."""
    shared = client(linked_cases, shared=True)
    yield shared
    shared.__exit__(None, None, None)


@pytest.mark.parametrize("route", ["file", "preview"])
@pytest.mark.parametrize("name", ["../../secret.png", "/etc/passwd", "..%2f..%2fsecret.png",
                                  "screenshots/../../secret.png", "order.yaml%00.png",
                                  "screenshots\\..\\..\\secret.png", "link.png"])
def test_no_file_name_leads_outside(linked_cases: Path, linked_client: WebClient, route: str,
                                    name: str) -> None:
    assert (linked_cases.parent / "secret.png").is_file()
    answer = linked_client.get(f"/{route}/{ALI}?file={name}&name={name}")
    assert answer.status_code == 404
    assert b"PNG" not in answer.content


def test_a_case_linked_from_outside_is_not_served(cases: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(cases / ALI, outside)
    (cases / "linked").symlink_to(outside)
    test_client = client(cases)
    assert 'href="/case/linked"' not in test_client.get("/").text
    assert test_client.get("/case/linked").status_code == 404


@pytest.mark.parametrize("name", ["../order.yaml", "exhibits", "manifest.json/..", "x.pdf"])
def test_only_the_packet_s_files_are_downloadable(cases: Path, name: str) -> None:
    (cases / ALI / "out").mkdir()
    assert client(cases).get(f"/out/{ALI}?name={name}").status_code == 404


def test_an_exhibit_is_shown_only_if_it_is_a_file_of_the_exhibits_folder(
        cases: Path, tmp_path: Path) -> None:
    exhibits = cases / ALI / "out" / "exhibits"
    exhibits.mkdir(parents=True)
    (exhibits / "B-chat.png").write_bytes(b"\x89PNG picture")
    (exhibits / "notes.txt").write_text("not an exhibit")
    (tmp_path / "elsewhere.png").write_bytes(b"\x89PNG elsewhere")
    (exhibits / "linked.png").symlink_to(tmp_path / "elsewhere.png")
    test_client = client(cases)
    shown = test_client.get(f"/out/{ALI}", params={"exhibit": "B-chat.png"})
    assert (shown.status_code, shown.content) == (200, b"\x89PNG picture")
    for name in ["../order.yaml", "../exhibits/B-chat.png", "b-chat.png", "notes.txt",
                 "linked.png", "", ".", "..", "B-chat.png/"]:
        answer = test_client.get(f"/out/{ALI}", params={"exhibit": name})
        assert answer.status_code == 404, name
        assert b"PNG" not in answer.content


@pytest.mark.parametrize("asked", [{"exhibit": "B-chat.png"}, {"name": "exhibits.zip"}])
def test_nothing_is_served_from_an_exhibits_folder_that_is_a_link(
        cases: Path, tmp_path: Path, asked: dict[str, str]) -> None:
    (tmp_path / "B-chat.png").write_bytes(b"\x89PNG elsewhere")
    (cases / ALI / "out").mkdir()
    (cases / ALI / "out" / "exhibits").symlink_to(tmp_path)
    answer = client(cases).get(f"/out/{ALI}", params=asked)
    assert answer.status_code == 404
    assert b"B-chat.png" not in answer.content
    assert b"PNG" not in answer.content


def _upload(test_client: WebClient, files: list[tuple[str, bytes]]) -> httpx2.Response:
    return test_client.post(
        f"/upload/{ALI}", data={"csrf": test_client.keys.csrf},
        files=[("files", (name, data)) for name, data in files])


def test_an_html_file_uploaded_as_an_image_is_refused(cases: Path) -> None:
    before = (cases / ALI / "order.yaml").read_bytes()
    listing = sorted(p.name for p in (cases / ALI).rglob("*"))
    answer = _upload(client(cases), [("photo.png", b"<html><script>alert(1)</script></html>")])
    assert answer.status_code == 422
    assert "is not a PNG, JPEG, WebP, GIF, TIFF or HEIC image, nor a PDF" in answer.text
    assert (cases / ALI / "order.yaml").read_bytes() == before
    assert sorted(p.name for p in (cases / ALI).rglob("*")) == listing


def test_an_oversized_upload_is_refused(cases: Path) -> None:
    before = (cases / ALI / "order.yaml").read_bytes()
    big = io.BytesIO()
    Image.effect_noise((300, 300), 64).convert("RGB").save(big, "PNG")
    answer = _upload(client(cases, max_upload=50_000), [("big.png", big.getvalue())])
    assert answer.status_code == 422
    assert "over the limit" in answer.text
    assert (cases / ALI / "order.yaml").read_bytes() == before
    assert not (cases / ALI / "screenshots" / "big.png").exists()


def test_uploads_get_safe_new_names_and_never_replace_an_original(cases: Path) -> None:
    original = (cases / ALI / "screenshots" / "tracking.png").read_bytes()
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(picture, "JPEG")
    answer = _upload(client(cases), [("tracking.png", picture.getvalue()),
                                     ("../../Évidence 1.jpg", picture.getvalue())])
    assert answer.status_code == 303
    assert (cases / ALI / "screenshots" / "tracking.png").read_bytes() == original
    assert (cases / ALI / "screenshots" / "tracking.jpg").read_bytes() == picture.getvalue()
    assert (cases / ALI / "screenshots" / "evidence-1.jpg").is_file()
    text = (cases / ALI / "order.yaml").read_text(encoding="utf-8")
    assert "file: screenshots/tracking.jpg" in text
    assert "file: screenshots/evidence-1.jpg" in text
    assert text.startswith("# Sample case")  # the buyer's comments stay
    orderpack.validate(cases / ALI / "order.yaml")


def test_files_are_served_with_their_real_type_and_nosniff(cases: Path) -> None:
    shutil.copy(cases / ALI / "screenshots" / "tracking.png",
                cases / ALI / "screenshots" / "looks-like.jpg")
    answer = client(cases).get(f"/file/{ALI}?name=screenshots/looks-like.jpg")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_text_file_is_not_served(cases: Path) -> None:
    (cases / ALI / "note.png").write_text("<script>alert(1)</script>", encoding="utf-8")
    answer = client(cases).get(f"/file/{ALI}?name=note.png")
    assert answer.status_code == 404
    assert "<script>alert" not in answer.text


# --- the pages ------------------------------------------------------------------------


def test_the_cases_page_lists_every_case_with_its_urgency(cases: Path) -> None:
    (cases / "notes").mkdir()
    page = client(cases).get("/").text
    assert f"AliExpress order {NUMBER}" in page
    assert "eBay order" in page
    assert "urgency-week" in page or "urgency-today" in page
    assert 'href="/new"' in page


def test_a_broken_case_is_listed_as_needing_a_fix(cases: Path) -> None:
    (cases / "broken").mkdir()
    (cases / "broken" / "order.yaml").write_text("platform: aliexpress\n", encoding="utf-8")
    page = client(cases).get("/").text
    assert "Needs fixing" in page


def _new_case(test_client: WebClient, **values: str) -> httpx2.Response:
    answers = {"platform": "aliexpress", "buyer_name": "Ana Buyer", "number": "8190000000000001",
               "placed": "2026-09-02", "delivery_deadline": "2026-10-20",
               "protection_ends": "", "store": "Shop", "item_title": "Lamp", "total": "12.50",
               "currency": "eur", "payment": "", "tracking_number": "", "shipped": "",
               "folder": "", "csrf": test_client.keys.csrf}
    answers.update(values)
    return test_client.post("/new", data=answers)


def test_the_new_case_form_starts_empty(read_client: WebClient) -> None:
    fields = _form(read_client.get("/new").text, "/new")
    assert fields["buyer_name"] == fields["number"] == fields["store"] == [""]


@pytest.mark.parametrize("protection", ["ends in 9 days", "Buyer Protection ends in 9 days",
                                        "9 days left"])
def test_a_new_case_is_made_as_orderpack_init_makes_it(cases: Path, tmp_path: Path,
                                                        protection: str) -> None:
    answer = _new_case(client(cases), protection_ends=protection)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/case/aliexpress-8190000000000001?created=1"
    made = cases / "aliexpress-8190000000000001"
    expected = orderpack.init(tmp_path / "by-init", {
        "platform": "aliexpress", "buyer_name": "Ana Buyer", "number": "8190000000000001",
        "placed": "2026-09-02", "delivery_deadline": "2026-10-20",
        "protection_ends": (TODAY + timedelta(days=9)).isoformat(), "store": "Shop",
        "item_title": "Lamp", "total": "12.50", "currency": "EUR"})
    assert (made / "order.yaml").read_text() == expected.order_path.read_text()
    assert sorted(p.name for p in made.iterdir()) == sorted(
        p.name for p in expected.order_path.parent.iterdir())
    orderpack.validate(made / "order.yaml")


def test_a_new_case_keeps_the_tracking_number_and_payment(cases: Path) -> None:
    _new_case(client(cases), payment="Visa ending 4242", tracking_number="LP1",
              shipped="2026-09-05", folder="my lamp")
    case = orderpack.validate(cases / "my-lamp" / "order.yaml")
    assert case.order.order.payment == "Visa ending 4242"
    assert case.order.shipping.tracking_number == "LP1"
    assert case.order.shipping.shipped == date(2026, 9, 5)


def test_a_new_case_with_a_bad_answer_says_what_to_write(cases: Path) -> None:
    answer = _new_case(client(cases), placed="02/09/2026", total="12,50")
    assert answer.status_code == 422
    assert "02/09/2026: did you mean 2026-09-02 or 2026-02-09?" in answer.text
    assert "write 12.50, not 12,50" in answer.text
    assert not (cases / "aliexpress-8190000000000001").exists()


def test_the_case_page_shows_problems_beside_their_fields(cases: Path) -> None:
    path = cases / ALI / "order.yaml"
    path.write_text(path.read_text().replace("placed: 2026-09-02", "placed: 2026-13-02"))
    page = client(cases).get(f"/case/{ALI}").text
    box = page.split('id="problem-order.placed"')[1].split("</div>")[0]
    assert "2026-13-02 is not a real calendar date" in box


def test_saving_a_field_changes_only_its_line(cases: Path) -> None:
    test_client = client(cases)
    path = cases / ALI / "order.yaml"
    before = path.read_text()
    fields = _form(test_client.get(f"/case/{ALI}").text, f"/case/{ALI}", "order")
    answer = test_client.post(f"/case/{ALI}", data=_set(fields, "order.store", "Other: Store"))
    assert answer.status_code == 303
    after = path.read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert changed == [("  store: Shenzhen Gadget Store", "  store: 'Other: Store'")]
    assert orderpack.validate(path).order.order.store == "Other: Store"


def test_an_invalid_value_is_not_saved_and_the_page_says_what_to_write(cases: Path) -> None:
    test_client = client(cases)
    path = cases / ALI / "order.yaml"
    before = path.read_bytes()
    fields = _form(test_client.get(f"/case/{ALI}").text, f"/case/{ALI}", "order")
    answer = test_client.post(f"/case/{ALI}", data=_set(fields, "order.total", "35,46"))
    assert answer.status_code == 422
    box = answer.text.split('id="problem-order.total"')[1].split("</div>")[0]
    assert "write 35.46, not 35,46" in box
    assert 'value="35,46"' in answer.text  # what the buyer typed stays in the field
    assert path.read_bytes() == before


def test_the_live_check_returns_the_problems_by_field(cases: Path) -> None:
    test_client = client(cases)
    fields = _form(test_client.get(f"/case/{ALI}").text, f"/case/{ALI}", "shipping")
    answer = test_client.post(f"/check/{ALI}", data=_set(
        fields, "shipping.delivery_deadline", "2026-09-01"), headers={
        "x-csrf-token": test_client.keys.csrf})
    problems = answer.json()["problems"]
    assert any("before the order date" in text for text in problems["shipping.delivery_deadline"])


def test_a_file_changed_on_disk_is_not_overwritten(cases: Path) -> None:
    test_client = client(cases)
    path = cases / ALI / "order.yaml"
    fields = _form(test_client.get(f"/case/{ALI}").text, f"/case/{ALI}", "order")
    edited = path.read_text().replace("Jane Doe", "Jane Q. Doe")
    path.write_text(edited)
    answer = test_client.post(f"/case/{ALI}", data=_set(fields, "order.store", "Other"))
    assert answer.status_code == 409
    assert "changed on disk" in answer.text
    assert "Reload the page" in answer.text
    assert path.read_text() == edited


def _tracking_events(path: Path) -> list[model.TrackingEvent]:
    tracking = orderpack.validate(path).order.tracking
    assert tracking is not None
    return tracking.events


def test_rows_are_added_removed_and_moved(cases: Path) -> None:
    test_client = client(cases)
    path = cases / ALI / "order.yaml"
    page = test_client.get(f"/case/{ALI}").text
    fields = _form(page, f"/case/{ALI}", "shipping")
    added = test_client.post(f"/case/{ALI}", data={**fields, "_add": ["tracking.events"]})
    assert added.status_code == 200
    assert 'name="tracking.events[7].status"' in added.text
    new_row = _form(added.text, f"/case/{ALI}", "shipping")
    new_row = _set(_set(new_row, "tracking.events[7].at", "2026-11-01 10:00"),
                   "tracking.events[7].status", "Lost")
    assert test_client.post(f"/case/{ALI}", data=new_row).status_code == 303
    events = _tracking_events(path)
    assert len(events) == 8
    assert events[-1].status == "Lost"
    fields = _form(test_client.get(f"/case/{ALI}").text, f"/case/{ALI}", "shipping")
    assert test_client.post(f"/case/{ALI}", data={**fields, "_drop": ["tracking.events[0]"]}
                            ).status_code == 303
    events = _tracking_events(path)
    assert len(events) == 7
    assert events[0].status == "Arrived at sorting centre"
    evidence = _form(test_client.get(f"/case/{ALI}").text, f"/case/{ALI}", "evidence")
    assert test_client.post(f"/case/{ALI}", data={**evidence, "_up": ["evidence[1]"]}
                            ).status_code == 303
    files = [item.file for item in orderpack.validate(path).order.evidence]
    assert files[:2] == ["screenshots/chat.png", "screenshots/tracking.png"]
    assert (cases / ALI / "screenshots" / "tracking.png").is_file()


def _valid_cases() -> list[Path]:
    found = [SAMPLES / ALI, SAMPLES / "ebay-not-received"]
    for folder in sorted((FIXTURES / "bad-build").iterdir()):
        if (folder / "order.yaml").is_file():
            try:
                orderpack.validate(folder / "order.yaml")
            except orderpack.OrderpackError:
                continue
            found.append(folder)
    return found


@pytest.mark.parametrize("source", _valid_cases(), ids=lambda p: p.name)
def test_every_valid_case_round_trips_through_the_page(tmp_path: Path, source: Path) -> None:
    root = tmp_path / "cases"
    shutil.copytree(source, root / "case", ignore=shutil.ignore_patterns("out"))
    path = root / "case" / "order.yaml"
    before = path.read_bytes()
    test_client = client(root)
    page = test_client.get("/case/case").text
    sections = [form for form in forms(page) if form.action.startswith("/case/case")]
    assert len(sections) >= 4
    for form in sections:  # each saved as the page shows it, one after the other
        fields: Fields = {}
        for key, value in form.fields:
            fields.setdefault(key, []).append(value)
        answer = test_client.post("/case/case", data=fields)
        assert answer.status_code == 303, answer.text[:2000]
        assert path.read_bytes() == before, fields["section"]  # (so the version holds)


def test_the_status_page_has_the_timeline_and_the_messages(read_client: WebClient,
                                                           read_cases: Path) -> None:
    page = read_client.get(f"/status/{ALI}").text
    assert '<svg class="timeline"' in page
    assert ">today</text>" in page
    assert "Open the dispute by" in page
    steps = orderpack.message_steps(read_cases / ALI / "order.yaml", TODAY).steps
    applying = []
    for step in steps:
        with contextlib.suppress(orderpack.OrderpackError):  # a step that does not apply now
            applying.append(orderpack.message(read_cases / ALI / "order.yaml", step.id, TODAY))
    assert 0 < len(applying) < len(steps)  # the sample's day has steps of both kinds
    assert page.count('class="copy"') == 1 + len(applying)
    assert page.count("Does not apply now:") == len(steps) - len(applying)
    assert "I am writing about my order" in page
    badges = {"applies": "Can be sent", "does_not_apply": "Not now"}
    for step in steps:  # each step with its state, as message --list gives it
        box = page.split(f'data-step="{step.id}"')[1].split("</h3>")[0]
        assert f'<span class="badge">{badges[step.state]}</span>' in box
        if step.state == "does_not_apply":  # why, in the page's words, not the CLI's
            assert step.why_not
            assert str(escape(step.why_not[1:])) in page
    assert "orderpack status" not in page
    assert "orderpack message" not in page


def test_the_status_page_says_all_the_plan_says(read_client: WebClient,
                                                read_cases: Path) -> None:
    path = read_cases / ALI / "order.yaml"
    plan = orderpack.status(path, TODAY)
    page = read_client.get(f"/status/{ALI}").text
    assert plan.warnings
    assert plan.route is not None
    for note in [plan.stage_text, plan.next_action.text, *plan.warnings]:
        assert f'data-note="{note.id}"' in page
        assert str(escape(str(note))) in page
    assert str(escape(plan.route.text[1:])) in page  # (its first letter is capitalised)
    assert str(escape(plan.upload)) in page
    assert 'class="urgent"' in page  # Buyer Protection ends within the week
    # What validate warns about, linked to its field (the sample's example values).
    assert f'href="/case/{ALI}#f-buyer.name"' in page
    assert "is an example" in page


def test_the_status_page_marks_the_step_due_today(cases: Path) -> None:
    path = cases / ALI / "order.yaml"
    path.write_text(path.read_text().replace("protection_ends: 2026-12-03",
                                             "protection_ends: 2026-11-26"))
    plan = orderpack.status(path, TODAY)
    assert plan.headline is not None
    page = client(cases).get(f"/status/{ALI}").text
    assert f'data-note="{plan.headline.id}"' in page
    assert str(escape(str(plan.headline))) in page


def test_the_dispute_text_comes_with_its_count_and_limit(
        read_client: WebClient, read_cases: Path, warm_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))  # the pictures made already
    data = read_client.get(f"/text/{ALI}").json()
    text = orderpack.dispute_text(read_cases / ALI / "order.yaml", TODAY)
    assert data == {"text": text.text, "characters": text.characters, "limit": text.limit}
    assert NUMBER in data["text"]


def test_the_editor_saves_boxes_in_the_pictures_pixels(cases: Path) -> None:
    test_client = client(cases)
    page = test_client.get(f"/editor/{ALI}?n=0").text
    assert "1170 × " in page
    fields = _set(_form(page, f"/redact/{ALI}"), "boxes", "[[10, 20, 300, 100]]")
    assert test_client.post(f"/redact/{ALI}", data=fields).status_code == 303
    text = (cases / ALI / "order.yaml").read_text()
    assert "    redact:\n      - [10, 20, 300, 100]\n" in text
    assert orderpack.validate(cases / ALI / "order.yaml").order.evidence[0].redact == [
        (10, 20, 300, 100)]


@pytest.mark.parametrize("boxes", ["[[1,2,3]]", "nope", '[["a",1,1,1]]', "[[-1,0,5,5]]"])
def test_the_editor_refuses_malformed_boxes(cases: Path, boxes: str) -> None:
    test_client = client(cases)
    before = (cases / ALI / "order.yaml").read_bytes()
    fields = _set(_form(test_client.get(f"/editor/{ALI}?n=0").text, f"/redact/{ALI}"),
                  "boxes", boxes)
    assert test_client.post(f"/redact/{ALI}", data=fields).status_code == 400
    assert (cases / ALI / "order.yaml").read_bytes() == before


def test_the_preview_is_rendered_by_orderpack_with_the_boxes_black(
        read_client: WebClient) -> None:
    answer = read_client.get(f"/preview/{ALI}", params={
        "file": "screenshots/tracking.png", "boxes": json.dumps([[0, 0, 585, 400]]),
        "side": "600"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(answer.content)).convert("RGB")
    scale = image.width / 1170
    assert image.getpixel((int(580 * scale), int(395 * scale))) == (0, 0, 0)
    assert image.getpixel((int(600 * scale), int(420 * scale))) != (0, 0, 0)


@pytest.mark.slow
def test_the_build_runs_in_the_background_and_its_files_download(
        cases: Path, warm_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))  # the pictures made already
    test_client = client(cases)
    # Nothing built yet: the button builds, it does not build "again".
    first = test_client.get(f"/build/{ALI}").text
    assert 'class="primary" >Build</button>' in first
    assert "Build again" not in first
    answer = test_client.post(f"/build/{ALI}", data={
        "csrf": test_client.keys.csrf})
    assert answer.status_code == 303
    assert test_client.get("/").status_code == 200  # the server keeps answering
    state = finished(test_client, ALI)
    assert state["state"] == "done", state
    assert "rendering the PDF" in state["steps"]
    pdf = test_client.get(f"/out/{ALI}?name=evidence.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline")
    assert pdf.content.startswith(b"%PDF")
    text = test_client.get(f"/out/{ALI}?name=dispute.txt")
    assert NUMBER in text.text
    archive = zipfile.ZipFile(io.BytesIO(test_client.get(f"/out/{ALI}?name=exhibits.zip").content))
    assert len(archive.namelist()) == 4
    page = test_client.get(f"/build/{ALI}").text
    assert "evidence.pdf" in page
    assert ">Build again</button>" in page
    assert "AliExpress&#39;s form takes images: upload exhibits/A–D" in page
    # The count as the page's language writes numbers (the sample's text: some 1,800
    # characters), as the command line says it.
    assert re.search(r"dispute text of \d,\d{3} characters\.", page)
    # What the build blacked out, as `build` lists it, each exhibit linked to be checked
    # (the sample's order page has two boxes, its chat one).
    assert "Hidden or removed (check before you send):" in page
    exhibits = cases / ALI / "out" / "exhibits"
    for label, done, exhibit in [("B", "1 box blacked out", "B-chat-with-the-seller.png"),
                                 ("C", "2 boxes blacked out", "C-order-details-page.png")]:
        link = re.search(f'<li>{label}: {done} — check <a href="([^"]+)" target="_blank" '
                         f'rel="noopener">exhibits/{exhibit}</a></li>', page)
        assert link, page
        shown = test_client.get(link[1])  # (one parameter: no &amp; to read)
        assert shown.headers["content-type"] == "image/png"
        assert shown.headers["content-disposition"] == "inline"
        assert shown.content == (exhibits / exhibit).read_bytes()
    assert "<li>A:" not in page  # nothing was hidden in the tracking page


def test_a_failed_build_shows_the_problems_linked_to_their_fields(cases: Path) -> None:
    path = cases / ALI / "order.yaml"
    test_client = client(cases)
    path.write_text(path.read_text().replace("total: 35.46", "total: 35,46"))
    test_client.post(f"/build/{ALI}", data={"csrf": test_client.keys.csrf})
    finished(test_client, ALI)
    page = test_client.get(f"/build/{ALI}").text
    assert f'href="/case/{ALI}#f-order.total"' in page
    assert "write 35.46, not 35,46" in page


def test_unknown_pages_are_404(read_client: WebClient) -> None:
    assert read_client.get("/case/nothing-here").status_code == 404
    assert read_client.get(f"/editor/{ALI}?n=99").status_code == 404
    assert read_client.get("/static/../app.py").status_code == 404
    assert BASE.startswith("http://127.0.0.1")


# --- an exported chat -----------------------------------------------------------------

CHAT = ("2026-10-25 09:14 Me: Hello, my order has not arrived.\n"
        "2026-10-25 17:48 Seller: 亲，请耐心等待。\n"
        "Translation: Dear, please wait patiently.\n")


@functools.cache
def _sample_without_messages() -> str:
    """The AliExpress sample's order file with its messages taken out, as the page's save
    leaves it (made once)."""
    data, _version = orderfile.read(SAMPLES / ALI / "order.yaml")
    del data["messages"]
    return orderfile.dump(data)


def _without_messages(cases: Path) -> Path:
    """The AliExpress sample of ``cases`` with its messages taken out."""
    path = cases / ALI / "order.yaml"
    assert path.read_bytes() == (SAMPLES / ALI / "order.yaml").read_bytes()
    path.write_text(_sample_without_messages(), encoding="utf-8")
    return path


def _upload_chat(test_client: WebClient, path: Path,
                 files: dict[str, tuple[str, bytes]]) -> httpx2.Response:
    version = orderfile.version(path.read_bytes())  # as the page has it
    return test_client.post(
        f"/chat/{ALI}", data={"csrf": test_client.keys.csrf,
                              "version": version},
        files=[(key, value) for key, value in files.items()])


def test_an_exported_chat_is_copied_and_named_in_the_order_file(cases: Path) -> None:
    path = _without_messages(cases)
    test_client = client(cases)
    assert 'action="/chat/aliexpress-missing"' in test_client.get(f"/case/{ALI}").text
    (cases / ALI / "chat.txt").write_text("the buyer's own notes\n", encoding="utf-8")
    answer = _upload_chat(test_client, path, {"chat": ("../Chat.TXT", CHAT.encode())})
    assert answer.status_code == 303, answer.text
    assert (cases / ALI / "chat.txt").read_text() == "the buyer's own notes\n"
    assert (cases / ALI / "chat-2.txt").read_text(encoding="utf-8") == CHAT
    assert "messages:\n  file: chat-2.txt\n" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("# Sample case")
    case = orderpack.validate(path)
    status = orderpack.status(path, TODAY)
    assert case.order.messages is not None
    assert status is not None
    page = test_client.get(f"/case/{ALI}").text
    assert 'value="chat-2.txt"' in page


@pytest.mark.parametrize(("chat", "words"), [
    ("Hello, no date here\n", "chat.txt, line 1: the first message has no date and time"),
    ("2026-10-25 09:14 Bob: hi\n", "chat.txt, line 1: unknown speaker `Bob`"),
    ("2026-10-25 09:14 Me: h\xe9llo\n".encode("latin-1"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "chat.txt"),
])
def test_a_chat_validate_would_refuse_is_not_kept(cases: Path, chat: str | bytes,
                                                  words: str) -> None:
    path = _without_messages(cases)
    before = path.read_bytes()
    listing = sorted(p.name for p in (cases / ALI).iterdir())
    data = chat.encode() if isinstance(chat, str) else chat
    answer = _upload_chat(client(cases), path, {"chat": ("chat.txt", data)})
    assert answer.status_code == 422
    assert words in answer.text
    assert path.read_bytes() == before
    assert sorted(p.name for p in (cases / ALI).iterdir()) == listing


def test_a_chat_with_its_translation_file(cases: Path) -> None:
    path = _without_messages(cases)
    original = "2026-10-25 17:48 Seller: 亲，请耐心等待。\n"
    translated = "2026-10-25 17:48 Seller: Dear, please wait patiently.\n"
    answer = _upload_chat(client(cases), path, {
        "chat": ("chat.txt", original.encode()), "translation": ("chat-en.txt",
                                                                 translated.encode())})
    assert answer.status_code == 303
    assert "  file: chat.txt\n  translation: chat-en.txt\n" in path.read_text(encoding="utf-8")
    orderpack.validate(path)


def test_a_chat_does_not_replace_listed_messages(cases: Path) -> None:
    path = cases / ALI / "order.yaml"
    before = path.read_bytes()
    assert 'action="/chat/' not in client(cases).get(f"/case/{ALI}").text
    answer = _upload_chat(client(cases), path, {"chat": ("chat.txt", CHAT.encode())})
    assert answer.status_code == 409
    assert path.read_bytes() == before
    assert not (cases / ALI / "chat.txt").exists()


def test_an_oversized_chat_is_refused(cases: Path) -> None:
    path = _without_messages(cases)
    answer = _upload_chat(client(cases, max_upload=1000), path,
                          {"chat": ("chat.txt", CHAT.encode() * 50)})
    assert answer.status_code == 422
    assert "over the limit" in answer.text
    assert not (cases / ALI / "chat.txt").exists()


def test_the_case_page_shows_validate_s_warnings_beside_their_fields(
        read_client: WebClient) -> None:
    page = read_client.get(f"/case/{ALI}").text
    field = page.split('data-field="buyer.name"')[1].split('<div class="field')[0]
    assert '<p class="caution">&#34;Jane Doe&#34; is an example' in field
    assert "write your name as on the order page" in field


def test_every_timeline_label_stays_inside_the_picture(read_cases: Path) -> None:
    from orderpack.web import timeline_svg

    path = read_cases / ALI / "order.yaml"  # its last dates have long labels near the right edge
    layout = timeline_svg.layout(orderpack.status(path, TODAY))
    assert any(mark.text_x < mark.x for mark in layout.marks)  # moved left to fit
    for mark in layout.marks:
        assert mark.text_x >= 0
        for line in mark.lines:
            assert mark.text_x + len(line) * timeline_svg.CHAR <= layout.width, line
    last = layout.marks[-1]
    assert last.y + timeline_svg.LINE * (len(last.lines) - 1) < layout.height


# --- what a page view does again ------------------------------------------------------


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often, from now on, an order file is parsed by the page ("parsed"), a picture
    read through to find damage ("read through") and a case validated ("validated")."""
    counts: Counter[str] = Counter()
    parsed, check_whole, validate = orderfile._parsed, images.check_whole, validation.validate

    def counting_parsed(raw: bytes) -> object:
        counts["parsed"] += 1
        return parsed(raw)

    def counting_check_whole(image: Image.Image) -> None:
        counts["read through"] += 1
        check_whole(image)

    def counting_validate(*args: object, **kwargs: object) -> model.Case:
        counts["validated"] += 1
        return validate(*args, **kwargs)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(orderfile, "_parsed", counting_parsed)
    monkeypatch.setattr(images, "check_whole", counting_check_whole)
    monkeypatch.setattr(validation, "validate", counting_validate)
    return counts


def _rewrite_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) in ``path``, and give it back its time: a change
    that neither its size nor its time shows."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def test_a_page_view_parses_the_order_file_again_only_when_it_changed(
        cases: Path, counted: Counter[str]) -> None:
    test_client = client(cases)
    for page in (f"/case/{ALI}", f"/case/{ALI}", f"/editor/{ALI}?n=0", f"/build/{ALI}"):
        assert test_client.get(page).status_code == 200
    assert counted["parsed"] == 1
    _rewrite_in_place(cases / ALI / "order.yaml", b"Jane Doe", b"Jane Roe")
    page = test_client.get(f"/case/{ALI}").text
    assert counted["parsed"] == 2
    assert 'value="Jane Roe"' in page
    assert "Jane Doe" not in page


def test_an_edit_never_changes_the_kept_order_file(cases: Path, counted: Counter[str]) -> None:
    test_client = client(cases)
    page = test_client.get(f"/case/{ALI}").text
    order = _form(page, f"/case/{ALI}", "order")
    checked = test_client.post(f"/check/{ALI}", data=_set(order, "order.total", "35,46"),
                               headers={"x-csrf-token": test_client.keys.csrf})
    assert "order.total" in checked.json()["problems"]
    shipping = _form(page, f"/case/{ALI}", "shipping")
    added = test_client.post(f"/case/{ALI}", data={**shipping, "_add": ["tracking.events"]})
    assert 'name="tracking.events[7].status"' in added.text  # shown, not saved
    again = test_client.get(f"/case/{ALI}").text
    assert counted["parsed"] == 1  # all from the one kept file
    assert 'value="35.46"' in again
    assert 'value="35,46"' not in again
    assert 'name="tracking.events[7].status"' not in again
    assert 'name="tracking.events[6].status"' in again


def test_the_reader_gives_each_read_its_own_copy(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text("# the buyer's note\norder:\n  store: Shop  # as written\n")
    reader = orderfile.Reader()
    data, version = reader.read(path)
    data["order"]["store"] = "Changed"
    again, same_version = reader.read(path)
    assert same_version == version
    assert again["order"]["store"] == "Shop"
    assert orderfile.dump(again) == path.read_text()


def test_a_picture_is_read_through_once_while_its_bytes_stay_the_same(
        cases: Path, counted: Counter[str]) -> None:
    test_client = client(cases)
    pictures = len(orderpack.validate(cases / ALI / "order.yaml").order.evidence)
    assert counted["read through"] == pictures  # orderpack.validate, outside the server
    for page in (f"/case/{ALI}", f"/status/{ALI}", f"/case/{ALI}"):
        assert test_client.get(page).status_code == 200
    assert counted["read through"] == 2 * pictures
    # The same name, size and time, other bytes: damaged ones are found on the next view.
    tracking = cases / ALI / "screenshots" / "tracking.png"
    middle = tracking.read_bytes()[40_000:40_064]
    _rewrite_in_place(tracking, middle, bytes(len(middle)))
    page = test_client.get(f"/case/{ALI}").text
    box = page.split('id="problem-evidence[0].file"')[1].split("</div>")[0]
    assert "damaged" in box
    assert counted["read through"] == 2 * pictures + 1
    orderpack.validate(cases / "ebay-not-received" / "order.yaml")  # no memory outside
    orderpack.validate(cases / "ebay-not-received" / "order.yaml")
    ebay = len(orderpack.validate(cases / "ebay-not-received" / "order.yaml").order.evidence)
    assert counted["read through"] == 2 * pictures + 1 + 3 * ebay


def test_the_cases_page_validates_each_case_once(read_client: WebClient, read_cases: Path,
                                                 counted: Counter[str]) -> None:
    page = read_client.get("/").text
    assert page.count('<li class="case urgency-') == 2
    assert counted["validated"] == 2


def test_a_preview_is_rendered_again_only_when_its_picture_or_boxes_change(
        cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orderpack import pictures

    renders: list[str] = []
    render = pictures.render

    def counting_render(*args: object, **kwargs: object) -> pictures.Picture:
        renders.append(str(args[1]))
        return render(*args, **kwargs)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(pictures, "render", counting_render)
    test_client = client(cases)

    def preview(boxes: str) -> bytes:
        answer = test_client.get(f"/preview/{ALI}", params={
            "file": "screenshots/tracking.png", "boxes": boxes, "side": "320"})
        assert answer.status_code == 200
        return answer.content

    first = preview("[]")
    assert preview("[]") == first
    assert len(renders) == 1
    boxed = preview("[[0, 0, 585, 400]]")
    assert boxed != first
    assert len(renders) == 2
    # The same name, size and time, another picture: rendered again, not the kept one.
    tracking = cases / ALI / "screenshots" / "tracking.png"
    other = io.BytesIO()
    with Image.open(tracking) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(other, "PNG")
    before = tracking.stat()
    tracking.write_bytes(other.getvalue())
    os.utime(tracking, ns=(before.st_atime_ns, before.st_mtime_ns))
    flipped = preview("[]")
    assert len(renders) == 3
    assert flipped != first
    assert flipped == orderpack.preview(tracking, "screenshots/tracking.png", (), 320).data
