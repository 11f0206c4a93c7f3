"""The bad-input corpus through both `orderpack validate` and `orderpack build`.

Every case is copied into tmp_path and run as a user would, from the folder above it:
`orderpack validate CASE/order.yaml`, then `orderpack build CASE/order.yaml --today
2026-11-26` (with the cache in tmp_path). Each must exit 1 with exactly the expected
message on stderr and nothing on stdout, show no traceback, write nothing (no out/, no
`.orderpack-*` folder) and leave every input file as it was.

- tests/fixtures/bad/: what `validate` finds; `build` (which validates first) says the same
  (`expected.txt`; an `expected-build.txt` beside it where build's words differ).
- tests/fixtures/bad-build/: what only a build can find (an image damaged beyond repair, a
  user template's errors, an output folder that must not be replaced): `validate` accepts
  them, `build` refuses with `expected-build.txt`. A case's `templates/` folder is passed as
  `--templates`.
- The cases below that cannot be committed (links leading out of the folder, files of
  megabytes) are made at run time, with the same assertions.

`{cwd}` in an expected file stands for the folder the commands run in. After changing a
message on purpose: ``ORDERPACK_REGENERATE=1 pytest tests/test_bad_inputs.py``, then review
the diff.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import forked
import pytest
from click.testing import CliRunner, Result
from conftest import refreeze
from layout_memo import reuse_layouts
from orders import SHIPPED_ORDER, line_of

from orderpack import evidence
from orderpack.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = FIXTURES / "bad"
BAD_BUILD = FIXTURES / "bad-build"
BAD_CASES = sorted(path.name for path in BAD.iterdir() if path.is_dir())
BAD_BUILD_CASES = sorted(path.name for path in BAD_BUILD.iterdir() if path.is_dir())
TODAY = "2026-11-26"
REGENERATE = bool(os.environ.get("ORDERPACK_REGENERATE"))

#: A small valid order; the cases made at run time add to it.
ORDER = SHIPPED_ORDER


def png(width: int, height: int, colour_type: int = 0) -> bytes:
    """A PNG of one grey, ``width`` × ``height``: greyscale (0) or RGB (2)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    row = b"\0" + b"\x80" * width * (3 if colour_type == 2 else 1)
    # Run-length matching: what one grey needs, and 2.5 times as fast as level 9 alone
    # (the bomb below is 147 MB of pixels).
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_RLE)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file, folder and link below ``folder``: a hash of each file, a link's target."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            entries[name] = "link to " + str(path.readlink())
        elif path.is_dir():
            entries[name] = "folder"
        else:
            with path.open("rb") as handle:
                entries[name] = hashlib.file_digest(handle, "sha256").hexdigest()
    return entries


def run(args: list[str], cache: Path) -> Result:
    refreeze()
    return CliRunner().invoke(main, args, env={"ORDERPACK_CACHE_DIR": str(cache)})


def assert_refused(result: Result, expected: str) -> None:
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def check_expected(path: Path, actual: str) -> str:
    """The expected text in ``path``, or ``actual`` written there when regenerating."""
    if REGENERATE:
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def stray_staging(root: Path) -> list[Path]:
    return [path for path in root.rglob(".orderpack-*")]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder the commands run in, as the user's current folder."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def validate_and_build(workdir: Path, name: str, expect_validate: str | None,
                       expect_build: str) -> None:
    """Run both commands on the case ``workdir/name`` and check everything the module
    docstring promises; ``expect_validate`` None means validate accepts the case."""
    folder = workdir / name
    cache = workdir.parent / "cache"
    before = snapshot(folder)
    validated = run(["validate", f"{name}/order.yaml"], cache)
    if expect_validate is None:
        assert validated.exit_code == 0, validated.output
        assert validated.stdout.startswith(f"{name}/order.yaml: valid — ")
    else:
        assert_refused(validated, expect_validate)
    args = ["build", f"{name}/order.yaml", "--today", TODAY]
    if (folder / "templates").is_dir():
        args += ["--templates", f"{name}/templates"]
    built = run(args, cache)
    assert_refused(built, expect_build.replace("{cwd}", str(Path.cwd())))
    assert snapshot(folder) == before
    assert stray_staging(workdir) == []


# --- the committed corpus -------------------------------------------------------------------


def test_corpus_size() -> None:
    assert len(BAD_CASES) >= 60
    assert len(BAD_BUILD_CASES) >= 8
    for name in BAD_BUILD_CASES:
        assert (BAD_BUILD / name / "expected-build.txt").is_file() or REGENERATE, name


def copy_case(source: Path, workdir: Path) -> str:
    shutil.copytree(source, workdir / source.name, symlinks=True,
                    ignore=shutil.ignore_patterns("expected*.txt"))
    return source.name


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_case_through_validate_and_build(workdir: Path, name: str) -> None:
    copy_case(BAD / name, workdir)
    if REGENERATE:
        check_expected(BAD / name / "expected.txt",
                       run(["validate", f"{name}/order.yaml"], workdir.parent / "cache").stderr)
    expect_validate = (BAD / name / "expected.txt").read_text(encoding="utf-8")
    build_file = BAD / name / "expected-build.txt"
    expect_build = build_file.read_text(encoding="utf-8") if build_file.is_file() else (
        expect_validate)
    validate_and_build(workdir, name, expect_validate, expect_build)


@pytest.mark.parametrize("name", BAD_BUILD_CASES)
def test_case_only_a_build_finds(workdir: Path, name: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    expected_file = BAD_BUILD / name / "expected-build.txt"
    if REGENERATE:
        scratch = workdir.parent / "regenerate"
        scratch.mkdir()
        copy_case(BAD_BUILD / name, scratch)
        args = ["build", f"{name}/order.yaml", "--today", TODAY]
        if (scratch / name / "templates").is_dir():
            args += ["--templates", f"{name}/templates"]
        monkeypatch.chdir(scratch)
        output = run(args, workdir.parent / "regenerate-cache").stderr
        check_expected(expected_file, output.replace(str(Path.cwd()), "{cwd}"))
        monkeypatch.chdir(workdir)
    copy_case(BAD_BUILD / name, workdir)
    validate_and_build(workdir, name, None, expected_file.read_text(encoding="utf-8"))


# --- cases made at run time ---------------------------------------------------------------


def _evidence(file: str, caption: str = "Tracking page") -> str:
    return f"evidence:\n  - file: {file}\n    caption: {caption}\n"


def _link_leading_out(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("tracking.png"), encoding="utf-8")
    (folder.parent / "elsewhere.png").write_bytes(png(8, 8))
    (folder / "tracking.png").symlink_to(Path("..") / "elsewhere.png")


def _link_to_a_system_file(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("passwd.png"), encoding="utf-8")
    (folder / "passwd.png").symlink_to("/etc/passwd")


def _folder_linked_out(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("shots/tracking.png"),
                                       encoding="utf-8")
    (folder.parent / "outside").mkdir()
    (folder.parent / "outside" / "tracking.png").write_bytes(png(8, 8))
    (folder / "shots").symlink_to(folder.parent / "outside", target_is_directory=True)


def _chat_export_linked_out(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + "messages:\n  file: chat.txt\n",
                                       encoding="utf-8")
    (folder / "chat.txt").symlink_to("/etc/hostname")


def _caption_of_a_megabyte(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("tracking.png", "x" * 1_000_000),
                                       encoding="utf-8")
    (folder / "tracking.png").write_bytes(png(8, 8))


def _a_thousand_and_one_messages(folder: Path) -> None:
    # One over the limit (model.MAX_MESSAGES), so the limit is exact; ten thousand go
    # through validate in test_validation.py (here, through both commands, they cost 1.7 s).
    messages = "".join(f"  - {{at: 2026-10-25 09:14, from: buyer, text: Hello {n}}}\n"
                       for n in range(1_001))
    (folder / "order.yaml").write_text(ORDER + "messages:\n" + messages, encoding="utf-8")


def _chat_export_of_ten_thousand_messages(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + "messages:\n  file: chat.txt\n",
                                       encoding="utf-8")
    (folder / "chat.txt").write_text("".join(
        f"2026-10-25 09:14 Seller: Please wait {n}\n" for n in range(10_000)), encoding="utf-8")


def _chat_export_of_three_megabytes(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + "messages:\n  file: chat.txt\n",
                                       encoding="utf-8")
    (folder / "chat.txt").write_text("2026-10-25 09:14 Seller: " + "x" * 3_000_000 + "\n",
                                     encoding="utf-8")


def _image_of_51_megabytes(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("scan.png"), encoding="utf-8")
    with (folder / "scan.png").open("wb") as handle:  # sparse: takes no room on disk
        handle.write(png(8, 8))
        handle.truncate(51 * 1024 * 1024)


def _gif_of_ten_thousand_and_one_frames(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("screen.gif"), encoding="utf-8")
    header = b"GIF89a" + (1).to_bytes(2, "little") * 2 + b"\x80\x00\x00" + bytes(6)
    frame = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00"  # one pixel
    (folder / "screen.gif").write_bytes(header + frame * 10_001 + b"\x3b")


def _order_file_of_six_megabytes(folder: Path) -> None:
    with (folder / "order.yaml").open("wb") as handle:  # sparse as well
        handle.write(ORDER.encode())
        handle.truncate(6 * 1024 * 1024)


def _order_file_missing(folder: Path) -> None:
    (folder / "tracking.png").write_bytes(png(8, 8))


def _order_file_is_a_folder(folder: Path) -> None:
    (folder / "order.yaml").mkdir()


def _evidence_link_loop(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER + _evidence("tracking.png"), encoding="utf-8")
    (folder / "tracking.png").symlink_to("tracking.png")


TOO_LONG = "shorten it; long explanations belong in `dispute.details`"
#: Where the problems of the cases above are: the lines of what they add to ORDER.
FILE = line_of(ORDER + _evidence("tracking.png"), "- file:")
CAPTION = line_of(ORDER + _evidence("tracking.png"), "caption:")
MESSAGES = line_of(ORDER + "messages:\n", "messages:")
CHAT_FILE = line_of(ORDER + "messages:\n  file: chat.txt\n", "file: chat.txt")
GENERATED: dict[str, tuple[Callable[[Path], None], str]] = {
    "evidence-link-leading-out": (_link_leading_out, (
        f"Error: evidence-link-leading-out/order.yaml:{FILE}:5: evidence[0].file: the path is a "
        "link that points outside the case folder — copy the file itself into the case "
        "folder\n")),
    "evidence-link-to-a-system-file": (_link_to_a_system_file, (
        f"Error: evidence-link-to-a-system-file/order.yaml:{FILE}:5: evidence[0].file: the path is "
        "a link that points outside the case folder — copy the file itself into the case "
        "folder\n")),
    "evidence-in-a-folder-linked-out": (_folder_linked_out, (
        f"Error: evidence-in-a-folder-linked-out/order.yaml:{FILE}:5: evidence[0].file: the path "
        "is a link that points outside the case folder — copy the file itself into the case "
        "folder\n")),
    "chat-export-linked-out": (_chat_export_linked_out, (
        f"Error: chat-export-linked-out/order.yaml:{CHAT_FILE}:3: messages.file: the path is "
        "a link that points outside the case folder — copy the file itself into the case "
        "folder\n")),
    "caption-of-a-megabyte": (_caption_of_a_megabyte, (
        f"Error: caption-of-a-megabyte/order.yaml:{CAPTION}:5: evidence[0].caption: too long: "
        f"at most 300 characters — {TOO_LONG}\n")),
    "a-thousand-and-one-messages": (_a_thousand_and_one_messages, (
        f"Error: a-thousand-and-one-messages/order.yaml:{MESSAGES}:1: messages: too many entries: "
        "at most 1000 — keep only the ones that matter for the dispute\n")),
    "chat-export-of-ten-thousand-messages": (_chat_export_of_ten_thousand_messages, (
        "Error: chat-export-of-ten-thousand-messages/chat.txt: the export has 10000 messages; "
        "the limit is 1000 — keep the part of the chat about this order\n")),
    "chat-export-of-three-megabytes": (_chat_export_of_three_megabytes, (
        "Error: chat-export-of-three-megabytes/chat.txt: the file is 3,000,026 bytes, too "
        "large for a chat export (at most 2,097,152) — keep the part of the chat about this "
        "order\n")),
    "evidence-of-51-megabytes": (_image_of_51_megabytes, (
        f"Error: evidence-of-51-megabytes/order.yaml:{FILE}:5: evidence[0].file: the file is 51 "
        "MB; the limit is 50 MB — take a screenshot of the relevant part or save it "
        "smaller\n")),
    "evidence-gif-of-10001-frames": (_gif_of_ten_thousand_and_one_frames, (
        f"Error: evidence-gif-of-10001-frames/order.yaml:{FILE}:5: evidence[0].file: the file "
        "holds more than 10,000 pictures (pages or animation frames) — take a screenshot of the "
        "picture that matters, or save it as a PNG\n")),
    "order-file-of-six-megabytes": (_order_file_of_six_megabytes, (
        "Error: order-file-of-six-megabytes/order.yaml: the file is 6,291,456 bytes; order "
        "files are at most 5,242,880 — move long texts into separate files\n")),
    "order-file-missing": (_order_file_missing, (
        "Error: order-file-missing/order.yaml: the file does not exist — check the path and "
        "spelling\n")),
    "evidence-link-loop": (_evidence_link_loop, (
        f"Error: evidence-link-loop/order.yaml:{FILE}:5: evidence[0].file: the path is a link that "
        "leads back to itself (a loop) — replace the link with the file itself\n")),
    "order-file-is-a-folder": (_order_file_is_a_folder, (
        "Error: order-file-is-a-folder/order.yaml: this is a folder — give the file inside "
        "it, e.g. order-file-is-a-folder/order.yaml/order.yaml\n")),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_case_through_validate_and_build(workdir: Path, name: str) -> None:
    make, expected = GENERATED[name]
    (workdir / name).mkdir()
    make(workdir / name)
    validate_and_build(workdir, name, expected, expected)


def _packet(folder: Path) -> Path:
    """A valid order and an out/ of orderpack's (a manifest listing one dispute.txt)."""
    (folder / "order.yaml").write_text(ORDER, encoding="utf-8")
    out = folder / "out"
    out.mkdir()
    text = b"Dispute.\n"
    (out / "dispute.txt").write_bytes(text)
    (out / "manifest.json").write_text(
        '{"orderpack_version": "0.1.0", "order_file": "order.yaml", "outputs": [{"path": '
        f'"dispute.txt", "sha256": "{hashlib.sha256(text).hexdigest()}"}}]}}\n',
        encoding="utf-8")
    return out


def _out_is_a_link(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER, encoding="utf-8")
    (folder.parent / "shared").mkdir()
    (folder / "out").symlink_to(folder.parent / "shared", target_is_directory=True)


def _out_is_a_link_loop(folder: Path) -> None:
    (folder / "order.yaml").write_text(ORDER, encoding="utf-8")
    (folder / "out").symlink_to("out")


def _out_holds_an_empty_folder(folder: Path) -> None:
    (_packet(folder) / "drafts").mkdir()


def _out_holds_a_link(folder: Path) -> None:
    (folder.parent / "receipts").mkdir()
    (_packet(folder) / "receipts").symlink_to(folder.parent / "receipts")


GENERATED_BUILD: dict[str, tuple[Callable[[Path], None], str]] = {
    "out-is-a-link": (_out_is_a_link, (
        "Error: {cwd}/out-is-a-link/out is a link to {cwd}/shared; orderpack does not write "
        "through links — delete the link, or give the folder itself: --out {cwd}/shared\n")),
    "out-is-a-link-loop": (_out_is_a_link_loop, (
        "Error: {cwd}/out-is-a-link-loop/out is a symbolic link that leads back to itself (a "
        "loop); delete the link, then build again\n")),
    "out-holds-an-empty-folder": (_out_holds_an_empty_folder, (
        "Error: {cwd}/out-holds-an-empty-folder/out holds files orderpack did not write "
        "(drafts/); a build replaces the whole folder — move them elsewhere first, or choose "
        "another --out\n")),
    "out-holds-a-link": (_out_holds_a_link, (
        "Error: {cwd}/out-holds-a-link/out holds files orderpack did not write (receipts (a "
        "link)); a build replaces the whole folder — move them elsewhere first, or choose "
        "another --out\n")),
}


@pytest.mark.parametrize("name", sorted(GENERATED_BUILD))
def test_generated_case_only_a_build_finds(workdir: Path, name: str) -> None:
    make, expected = GENERATED_BUILD[name]
    (workdir / name).mkdir()
    make(workdir / name)
    validate_and_build(workdir, name, None, expected)


# --- usage errors: exit 2, nothing written --------------------------------------------------


@pytest.mark.parametrize(("args", "wanted"), [
    (["validate"], "Missing argument 'ORDER.yaml'"),
    (["build", "case/order.yaml", "--today", "2026-02-30"], "Invalid value for '--today'"),
    (["build", "case/order.yaml", "--today", "26/11/2026"], "Invalid value for '--today'"),
    (["build", "case/order.yaml", "--templates", "case/no-such-folder"], "does not exist"),
    (["build", "case/order.yaml", "--out", "case/order.yaml"], "is a file"),
    (["build", "case/order.yaml", "--max-chars", "10"], "Invalid value for '--max-chars'"),
    (["build", "case/order.yaml", "--paper", "a5"], "Invalid value for '--paper'"),
    (["build", "case/order.yaml", "--no-such-option"], "No such option"),
])
def test_usage_errors_exit_2_and_write_nothing(workdir: Path, args: list[str],
                                               wanted: str) -> None:
    (workdir / "case").mkdir()
    (workdir / "case" / "order.yaml").write_text(ORDER, encoding="utf-8")
    before = snapshot(workdir)
    result = run(args, workdir.parent / "cache")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: ")
    assert wanted in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(workdir) == before


# --- a BOM and CRLF line ends are no problem at all ---------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf"])
def test_bom_and_crlf_order_files_build(workdir: Path, variant: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    reuse_layouts(monkeypatch)  # the three variants are one order: its PDF is laid out once
    (workdir / "case").mkdir()
    text = ORDER + "dispute:\n  details: The parcel never came.\n"
    raw = text.replace("\n", "\r\n").encode() if "crlf" in variant else text.encode()
    (workdir / "case" / "order.yaml").write_bytes((b"\xef\xbb\xbf" if "bom" in variant else b"")
                                                  + raw)
    assert run(["validate", "case/order.yaml"], workdir.parent / "cache").exit_code == 0
    result = run(["build", "case/order.yaml", "--today", TODAY], workdir.parent / "cache")
    assert result.exit_code == 0, result.output
    dispute = (workdir / "case" / "out" / "dispute.txt").read_text(encoding="utf-8")
    assert "order 8190123456789012 from Shenzhen Gadget Store" in dispute
    assert "The parcel never came." in dispute
    assert "\r" not in dispute
    assert "\ufeff" not in dispute


# --- a decompression bomb -----------------------------------------------------------------
# Over orderpack's own limit (50 megapixels; Pillow's is 89), an image is refused from its
# header without being decoded: see evidence-decompression-bomb, a 21 KB PNG declaring
# 9000 × 9000 pixels. Under it, it is processed in bounded memory, measured here.

BOMB_SIDE = 7000  # 49 megapixels: a 157 KB PNG, 147 MB of RGB once decoded


def _peak_memory_of_builds(*cases: Path, cache: Path) -> list[int]:
    """Peak resident memory, in bytes, of a fresh Python process after building each of
    ``cases`` in turn: the first figure is a baseline for the next (the process's peak
    never falls, and what the first build leaves behind only adds to the second's)."""
    code = (
        "import resource, sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "import orderpack\n"
        "for case in sys.argv[2:]:\n"
        "    orderpack.build(Path(case), date(2026, 11, 26), cache_dir=Path(sys.argv[1]))\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", code, str(cache), *map(str, cases)],
                          capture_output=True, text=True, check=True, timeout=300)
    unit = 1 if sys.platform == "darwin" else 1024
    return [int(line) * unit for line in done.stdout.split()[-len(cases):]]


def _memory(field: str) -> int:
    """A figure of Linux's /proc/self/status, in bytes: VmRSS (resident memory) or VmHWM
    (its peak)."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(field))


def _peak_memory_of_builds_forked(plain: Path, bomb: Path, cache: Path) -> tuple[int, int]:
    """Resident memory before ``bomb`` is built and its peak during the build, in bytes, in
    a process forked from this one (orderpack loaded), after a build of ``plain`` there:
    what a build keeps is in the baseline, and what it freed is given back to the system
    (``malloc_trim``), so the bomb's build cannot reuse it unseen. The peak is then reset
    to the present size (Linux's clear_refs): the baseline is the memory in use, not a peak
    of before, and a process that has run other tests is measured as a new one."""
    trim = evidence.malloc_trim()
    assert trim is not None

    def measure() -> tuple[int, int]:
        import gc
        from datetime import date

        import orderpack

        orderpack.build(plain, date(2026, 11, 26), cache_dir=cache)
        gc.collect()
        trim(0)
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
        baseline = _memory("VmHWM")
        assert baseline - _memory("VmRSS") < 4 * 1024 * 1024  # the peak was reset
        orderpack.build(bomb, date(2026, 11, 26), cache_dir=cache)
        return baseline, _memory("VmHWM")

    return forked.call(measure)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="measures memory with the resource module")
def test_a_bomb_under_the_limit_is_processed_in_bounded_memory(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "order.yaml").write_text(ORDER, encoding="utf-8")
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    (bomb / "order.yaml").write_text(ORDER + _evidence("tracking.png"), encoding="utf-8")
    (bomb / "tracking.png").write_bytes(png(BOMB_SIDE, BOMB_SIDE, colour_type=2))
    assert (bomb / "tracking.png").stat().st_size < 200_000
    if (evidence.malloc_trim() is not None and Path("/proc/self/clear_refs").exists()
            and forked.fork_is_safe()):
        baseline, peak = _peak_memory_of_builds_forked(plain / "order.yaml",
                                                       bomb / "order.yaml", tmp_path / "cache")
    else:
        # One process builds both, the plain case first: the Python start, the imports and
        # a build's own peak are paid once and are in the baseline.
        baseline, peak = _peak_memory_of_builds(plain / "order.yaml", bomb / "order.yaml",
                                                cache=tmp_path / "cache")
    pixels = BOMB_SIDE * BOMB_SIDE
    assert peak - baseline < 8 * pixels  # measured: about 5 bytes a pixel
    exhibit = next((bomb / "out" / "exhibits").iterdir())
    assert exhibit.stat().st_size < 10_000  # one grey, made 1350 × 1350


# --- the corpus covers every input the issue names ---------------------------------------

COVERAGE = {
    "YAML syntax": ["tab-indentation", "unclosed-quote", "duplicate-key", "top-level-is-a-list",
                    "top-level-is-plain-text", "empty-file", "only-comments", "alias-bomb",
                    "not-utf8", "saved-as-utf16", "control-character", "two-documents",
                    "indentation-mismatch", "colon-in-unquoted-text", "yaml-tag",
                    "yaml-merge-key",
                    "nested-too-deeply", "key-is-a-list", "escaped-control-characters"],
    "types and values": ["impossible-date", "date-day-first", "date-in-words", "date-as-number",
                         "time-out-of-range", "negative-total", "total-with-comma",
                         "unknown-currency", "currency-as-number", "unknown-country",
                         "unknown-platform", "unknown-reason", "remedy-misspelt",
                         "remedy-not-offered", "missing-order-date", "order-number-not-quoted",
                         "number-too-long", "quantity-in-words", "text-where-a-list-belongs",
                         "text-in-brackets", "text-in-braces", "text-starting-with-hash",
                         "section-left-empty", "unknown-key-shiped", "many-problems",
                         "order-number-only-invisible-characters", "message-text-empty",
                         "shipped-before-placed", "deadline-before-shipped",
                         "remedy-return-for-a-parcel-never-received",
                         "order-number-with-its-label", "aliexpress-order-number-15-digits",
                         "aliexpress-order-number-with-spaces", "date-day-or-month-first",
                         "total-with-currency-sign", "currency-as-sign",
                         "missing-delivery-deadline", "name-left-empty"],
    "evidence": ["evidence-missing", "evidence-is-a-folder", "evidence-absolute-path",
                 "evidence-outside-folder", "evidence-empty-image", "evidence-text-named-png",
                 "evidence-unsupported-type", "evidence-decompression-bomb",
                 "evidence-60-megapixels", "evidence-encrypted-pdf", "evidence-damaged-pdf",
                 "evidence-text-named-pdf", "redaction-box-outside-image",
                 "redaction-box-malformed", "evidence-pdf-with-redaction-boxes",
                 "evidence-file-is-a-number", "evidence-file-empty",
                 "evidence-name-with-a-line-break", "evidence-name-with-a-bidi-override",
                 "evidence-name-starts-with-a-space", "evidence-name-ends-with-a-space",
                 "evidence-name-differs-in-letter-case", "evidence-name-with-a-colon",
                 "evidence-name-misspelt", "evidence-image-cut-short",
                 "evidence-eps-named-png", "evidence-bmp-named-jpg",
                 "evidence-pdf-aes-256-with-password", "redaction-box-in-decimal-numbers",
                 "redaction-box-outside-upright-photo"],
    "chat exports": ["chat-first-line-without-timestamp", "chat-unknown-speaker",
                     "chat-export-missing", "chat-export-not-utf8",
                     "message-from-unknown-sender"],
}
COVERAGE_BUILD = ["evidence-png-pixel-data-garbled", "template-syntax-error",
                  "template-unknown-variable", "template-includes-a-system-file",
                  "template-html-unknown-filter", "out-is-a-file", "out-not-made-by-orderpack",
                  "out-holds-files-added-later", "out-dispute-text-edited",
                  "out-built-from-another-order-file"]


def test_every_kind_of_input_has_cases() -> None:
    named = [name for names in COVERAGE.values() for name in names]
    assert sorted(named) == sorted(set(named))
    assert set(named) <= set(BAD_CASES)
    assert set(BAD_CASES) - set(named) == set()  # a new case gets a place above
    assert sorted(COVERAGE_BUILD) == BAD_BUILD_CASES
    assert {"evidence-link-leading-out", "caption-of-a-megabyte", "a-thousand-and-one-messages",
            "evidence-of-51-megabytes"} <= set(GENERATED)
