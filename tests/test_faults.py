"""Faults during a build: the previous packet survives, no temporary file stays behind.

- A failure at every point where a build writes (disk full, permission denied, which is
  how a read-only folder fails for root too, or any other error), found by recording the
  writes of one build and failing each in turn in another.
- An exception, or Ctrl-C, in the middle of rendering.
- A build killed (SIGKILL) while its staging folder exists: nothing can clean up after
  that, so the next build removes what a dead build left, and puts back a previous packet
  a kill left moved aside in the middle of the swap.
- Builds of one case at once, in separate processes: the packet is whole and consistent.
- A build with the network switched off.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import forked
import pytest
from click.testing import CliRunner, Result
from conftest import refreeze
from layout_memo import reuse_layouts

import orderpack
from orderpack import evidence, images
from orderpack.cli import main
from orderpack.errors import BuildError

TODAY = date(2026, 11, 26)
ORDER = """\
platform: aliexpress
buyer:
  name: Jane Doe
order:
  number: "8190123456789012"
  placed: 2026-09-02
  store: Shenzhen Gadget Store
  items:
    - title: USB-C hub 7-in-1
  total: 25.48
  currency: EUR
shipping:
  tracking_number: LP00123456789012
  shipped: 2026-09-05
  delivery_deadline: 2026-10-20
messages:
  - at: 2026-10-25 17:48
    from: seller
    text: Please wait.
evidence:
  - file: tracking.png
    caption: Tracking page
  - file: locker.png
    caption: The empty parcel locker
dispute:
  details: The parcel never came.
"""


def png(width: int, height: int, grey: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\0" + bytes([grey + x % 7 for x in range(width)]) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def declared_png(width: int, height: int) -> bytes:
    """A PNG's header declaring ``width`` × ``height``, and no pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + b"IHDR" + header
            + struct.pack(">I", zlib.crc32(b"IHDR" + header))
            + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its content."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".orderpack-"))


def assert_consistent(out: Path) -> None:
    """``out`` is a whole packet: its manifest lists exactly its files, with their hashes."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    actual = tree(out)
    del actual["manifest.json"]
    assert listed == actual
    assert {"dispute.txt", "evidence.pdf"} <= set(listed)


def _write_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The case folder with its two images, not yet built; ORDERPACK_CACHE_DIR is set."""
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "order.yaml").write_text(ORDER, encoding="utf-8")
    (folder / "tracking.png").write_bytes(png(60, 40, 0x40))
    (folder / "locker.png").write_bytes(png(50, 70, 0x90))
    return folder / "order.yaml"


@pytest.fixture(scope="module")
def built_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The case built once for the module, with its cache: the folder holding case/ and
    cache/, to copy from (builds are reproducible, and a packet names nothing outside its
    case folder: a copy is the packet a build there would write)."""
    folder = tmp_path_factory.mktemp("built-case")
    with pytest.MonkeyPatch.context() as monkeypatch:
        reuse_layouts(monkeypatch)  # a fresh layout, kept for the tests' builds
        orderpack.build(_write_case(folder, monkeypatch), TODAY)
    return folder


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_case: Path) -> Path:
    """A case with a packet built (a copy of ``built_case``), and its cache; returns its
    order.yaml. ORDERPACK_CACHE_DIR is set."""
    for name in ("case", "cache"):
        shutil.copytree(built_case / name, tmp_path / name, symlinks=True)
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "case" / "order.yaml"


def build_cli(order: Path) -> Result:
    refreeze()
    return CliRunner().invoke(main, ["build", str(order), "--today", TODAY.isoformat()])


# --- a failure at any point where a build writes -------------------------------------------


class Writes:
    """Watch the file system calls a build makes inside one folder; fail the n-th.

    Python-level entry points, which every write of orderpack's goes through: ``open`` in
    a writing mode, ``os.open`` (the lock), ``os.mkdir`` (``Path.mkdir``, ``mkdtemp``),
    ``os.rename`` and ``os.replace``.
    """

    def __init__(self, folder: Path, fail_at: int | None = None,
                 error: BaseException | None = None) -> None:
        self.folder = str(folder.resolve())
        self.fail_at = fail_at
        self.error = error
        self.calls: list[str] = []

    def _inside(self, path: Any) -> bool:
        if isinstance(path, int):
            return False
        absolute = str(Path(os.fsdecode(path)).absolute())
        return absolute == self.folder or absolute.startswith(self.folder + os.sep)

    def _check(self, what: str, path: Any) -> None:
        if not self._inside(path):
            return
        self.calls.append(f"{what} {Path(os.fsdecode(path)).name}")
        if self.fail_at is not None and len(self.calls) == self.fail_at + 1:
            assert self.error is not None
            raise self.error

    @contextmanager
    def watching(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        real_open, real_os_open = builtins.open, os.open
        real_mkdir, real_rename, real_replace = os.mkdir, os.rename, os.replace

        def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(flag in mode for flag in "wax+"):
                self._check("open", file)
            return real_open(file, mode, *args, **kwargs)

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            self._check("os.open", path)
            return real_os_open(path, flags, *args, **kwargs)

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
            self._check("mkdir", path)
            real_mkdir(path, *args, **kwargs)

        def rename(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
            self._check("rename", target)
            real_rename(source, target, *args, **kwargs)

        def replace(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
            self._check("replace", target)
            real_replace(source, target, *args, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(builtins, "open", open_)
            patch.setattr(io, "open", open_)
            patch.setattr(os, "open", os_open)
            patch.setattr(os, "mkdir", mkdir)
            patch.setattr(os, "rename", rename)
            patch.setattr(os, "replace", replace)
            yield


def test_a_build_writes_through_the_watched_calls(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reuse_layouts(monkeypatch)
    writes = Writes(case.parent)
    with writes.watching(monkeypatch):
        orderpack.build(case, TODAY)
    names = " ".join(writes.calls)
    for expected in ("os.open case", "mkdir .orderpack-new-", "open dispute.txt",
                     "open evidence.pdf", "open manifest.json", "rename out"):
        assert expected in names
    assert len(writes.calls) >= 8


ERRORS: dict[str, Callable[[], BaseException]] = {
    "disk full": lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    "read-only": lambda: PermissionError(errno.EACCES, os.strerror(errno.EACCES)),
    "read-only file system": lambda: OSError(errno.EROFS, os.strerror(errno.EROFS)),
    "a bug": lambda: RuntimeError("injected"),
}


@pytest.fixture(scope="module")
def write_points(built_case: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The points where a build of the case writes, recorded (:class:`Writes`) once for the
    kinds of failure below, in a build of a copy of ``built_case`` (as ``case`` is)."""
    folder = tmp_path_factory.mktemp("recorded")
    for name in ("case", "cache"):
        shutil.copytree(built_case / name, folder / name, symlinks=True)
    case = folder / "case"
    packet = tree(case / "out")
    recording = Writes(case)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(folder / "cache"))
        reuse_layouts(monkeypatch)
        with recording.watching(monkeypatch):
            orderpack.build(case / "order.yaml", TODAY)
    assert_consistent(case / "out")
    assert tree(case / "out") == packet  # builds are reproducible: "previous" is well defined
    return recording.calls


@pytest.mark.slow
@pytest.mark.parametrize("kind", ERRORS)
def test_a_failure_at_any_write_leaves_the_previous_packet(
    case: Path, monkeypatch: pytest.MonkeyPatch, kind: str, write_points: list[str]
) -> None:
    folder = case.parent
    packet = tree(folder / "out")
    inputs = {name: digest for name, digest in tree(folder).items()
              if not name.startswith("out/")}
    # Every build below lays out the same PDF: once is enough (the write failures come
    # after the layout, which writes nothing); a build the failure leaves alone still
    # has to write the very packet a fresh layout gives (checked below).
    layouts = reuse_layouts(monkeypatch)
    for index, point in enumerate(write_points):
        writes = Writes(folder, fail_at=index, error=ERRORS[kind]())
        with writes.watching(monkeypatch):
            result = build_cli(case)
        if result.exit_code == 0:
            # Failures a build may ignore: making the case folder, which exists; removing
            # the packet it replaced, which the next build then does.
            assert point == f"mkdir {folder.name}" or point.startswith(
                "os.open .orderpack-old-"), point
            assert tree(folder / "out") == packet
            orderpack.build(case, TODAY)
            assert leftovers(folder) == []
            continue
        assert result.exit_code == 1, (point, result.output)
        assert "Traceback" not in result.output
        if kind == "a bug":
            assert result.stderr.startswith("Error: orderpack failed unexpectedly."), point
        else:
            assert result.stderr.startswith("Error: "), point
            assert "failed unexpectedly" not in result.stderr, (point, result.stderr)
            error = ERRORS[kind]()
            assert isinstance(error, OSError)  # every kind but "a bug"
            assert error.errno is not None
            assert os.strerror(error.errno) in result.stderr, (point, result.stderr)
        assert tree(folder / "out") == packet, point
        assert leftovers(folder) == [], point
        assert {name: digest for name, digest in tree(folder).items()
                if not name.startswith("out/")} == inputs, point
    assert layouts.made <= 1 < layouts.asked  # laid out once at most (built_case may have)


# --- exceptions and Ctrl-C mid-render --------------------------------------------------------


@pytest.mark.parametrize(("error", "code", "message"), [
    (RuntimeError("injected mid-render"), 1, "Error: orderpack failed unexpectedly."),
    (BuildError("could not write the PDF: injected"), 1, "Error: could not write the PDF"),
    (KeyboardInterrupt(), 130, "Interrupted; nothing was changed."),
    (MemoryError(), 1, "Error: orderpack failed unexpectedly."),
])
def test_an_exception_mid_render_leaves_the_previous_packet(
    case: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int,
    message: str
) -> None:
    import weasyprint

    folder = case.parent
    packet = tree(folder / "out")
    staged: list[list[str]] = []
    reuse_layouts(monkeypatch)  # the PDF laid out once for the four errors: they come after

    def explode(*args: object, **kwargs: object) -> object:
        staged.append(leftovers(folder))
        raise error

    # The PDF is laid out while the pictures are made, before the staging folder exists;
    # it is written into the staging folder.
    monkeypatch.setattr(weasyprint.Document, "write_pdf", explode)
    result = build_cli(case)
    assert staged
    assert staged[0] != []  # it came while the staging folder existed
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output
    assert tree(folder / "out") == packet
    assert leftovers(folder) == []


def test_a_crash_in_the_evidence_step_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write_case(tmp_path, monkeypatch).parent
    reuse_layouts(monkeypatch)  # laid out while the pictures are made: not the subject

    def explode(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(images, "process", explode)
    result = build_cli(folder / "order.yaml")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sorted(path.name for path in folder.iterdir()) == [
        "locker.png", "order.yaml", "tracking.png"]


# --- a read-only folder, for real (chmod does not stop root) -------------------------------


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root writes into read-only folders; see the Writes tests above")
def test_a_read_only_case_folder(case: Path) -> None:
    folder = case.parent
    packet = tree(folder / "out")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = build_cli(case)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert result.exit_code == 1
    assert "Permission denied" in result.stderr
    assert "failed unexpectedly" not in result.stderr
    assert tree(folder / "out") == packet
    assert leftovers(folder) == []


# --- killed builds --------------------------------------------------------------------------


def _stop_in_the_staging_folder() -> None:
    """In a forked build: wait where the PDF is written into the staging folder (the build
    is killed there)."""
    import weasyprint

    def wait(*args: object, **kwargs: object) -> None:
        time.sleep(120)

    weasyprint.Document.write_pdf = wait  # this process's alone: it is forked


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")
def test_a_killed_build_leaves_the_previous_packet_and_the_next_cleans_up(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = case.parent
    packet = tree(folder / "out")
    # A process of its own (nothing of it runs after SIGKILL: no `finally`, no clean-up),
    # forked with orderpack loaded: its start is not the subject.
    process = forked.start_command(["build", str(case), "--today", TODAY.isoformat()],
                                   before=_stop_in_the_staging_folder)
    try:
        deadline = time.monotonic() + 120
        while not any(name.startswith(".orderpack-new-") for name in leftovers(folder)):
            assert process.is_alive(), "the build ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.002)
    finally:
        process.kill()
        process.join(timeout=60)
    assert process.exitcode == -signal.SIGKILL
    assert tree(folder / "out") == packet
    assert leftovers(folder) != []  # nothing can clean up after SIGKILL…

    (folder / "order.yaml").write_text(ORDER.replace("never came", "is lost"),
                                       encoding="utf-8")
    reuse_layouts(monkeypatch)
    result = build_cli(case)  # …so the next build does
    assert result.exit_code == 0, result.output
    assert leftovers(folder) == []
    assert_consistent(folder / "out")
    assert "is lost" in (folder / "out" / "dispute.txt").read_text(encoding="utf-8")


def kill_between_the_renames(folder: Path) -> None:
    """The state a kill leaves after the packet was moved aside, before the new one came:
    no out/, the previous packet in `.orderpack-old-…~out`, the new one still staged."""
    (folder / "out").rename(folder / ".orderpack-old-k1ll3d00~out")
    (folder / ".orderpack-new-k1ll3d01").mkdir()
    (folder / ".orderpack-new-k1ll3d01" / "dispute.txt").write_text("half", encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="the clean-up relies on the POSIX lock")
def test_a_packet_moved_aside_by_a_kill_is_put_back_even_if_the_next_build_fails(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    folder = case.parent
    packet = tree(folder / "out")
    kill_between_the_renames(folder)

    def explode(*args: object, **kwargs: object) -> object:
        raise BuildError("could not write the PDF: injected")

    monkeypatch.setattr(weasyprint.HTML, "render", explode)
    assert build_cli(case).exit_code == 1
    assert tree(folder / "out") == packet
    assert leftovers(folder) == []


@pytest.mark.skipif(sys.platform == "win32", reason="the clean-up relies on the POSIX lock")
def test_after_a_kill_mid_swap_the_next_build_succeeds(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = case.parent
    reuse_layouts(monkeypatch)
    kill_between_the_renames(folder)
    assert build_cli(case).exit_code == 0
    assert leftovers(folder) == []
    assert_consistent(folder / "out")


def test_the_clean_up_leaves_other_folders_alone(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = case.parent
    reuse_layouts(monkeypatch)
    (folder / ".orderpack-notes.txt").write_text("mine", encoding="utf-8")  # a file
    (folder / "other").mkdir()
    (folder / ".orderpack-link").symlink_to(folder / "other", target_is_directory=True)
    packet = orderpack.build(case, TODAY, out=tmp_path / "elsewhere" / "out")
    assert packet.out == tmp_path / "elsewhere" / "out"
    assert (folder / ".orderpack-notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / ".orderpack-link").is_symlink()
    assert orderpack.build(case, TODAY).out == folder / "out"
    assert (folder / ".orderpack-notes.txt").is_file()
    assert (folder / "other").is_dir()


# --- builds at once -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the lock is POSIX flock")
def test_builds_of_one_case_at_once_leave_a_whole_packet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _write_case(tmp_path, monkeypatch)  # no packet yet
    folder = case.parent
    reference = folder / "reference"  # beside out/: the manifest names the same order file
    # The reference is built first, with a cache of its own, so that the builds at once
    # (forked from this process: their start is not the subject) find its layout made.
    reuse_layouts(monkeypatch)
    orderpack.build(case, TODAY, out=reference, cache_dir=tmp_path / "own-cache")
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "shared-cache"))
    processes = [forked.start_command(["build", str(case), "--today", TODAY.isoformat()])
                 for _ in range(3)]
    for process in processes:
        process.join(timeout=300)
    assert [process.exitcode for process in processes] == [0, 0, 0]
    assert_consistent(folder / "out")
    assert leftovers(folder) == []
    assert tree(folder / "out") == tree(reference)


# --- no network -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_needs_no_network(case: Path, tmp_path: Path) -> None:
    import weasyprint  # noqa: F401  (imported before sockets go: it imports ssl)
    from pytest_socket import disable_socket, enable_socket

    templates = tmp_path / "templates"
    shutil.copytree(orderpack.render.templates_dir(), templates)
    html = (templates / "evidence.html.j2").read_text(encoding="utf-8")
    (templates / "evidence.html.j2").write_text(html.replace(
        "<body>", '<body><img src="http://127.0.0.1:9/x.png"><img src="https://example.org/'
                  'y.png"><link rel="stylesheet" href="http://example.org/z.css">'),
        encoding="utf-8")
    disable_socket()
    try:
        # Its pictures come from the cache (they are not the subject; Pillow makes them
        # from the files alone): what could reach out is the layout, which loads what the
        # HTML names.
        result = orderpack.build(case, TODAY, templates=templates)
    finally:
        enable_socket()
    assert result.evidence_pdf.is_file()
    warnings = "\n".join(result.warnings)
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/y.png",
                "http://example.org/z.css"):
        assert f"orderpack loads only the build's own files, not {url}" in warnings
    assert "SocketBlocked" not in warnings


# --- memory: large images are not all decoded at once ---------------------------------------


def test_large_images_wait_for_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    side = 6000  # 36 megapixels each: two would pass MAX_PIXELS_AT_ONCE… three would not
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "case"
    folder.mkdir()
    names = [f"photo-{n}.png" for n in range(6)]
    without_evidence = ORDER.split("evidence:", maxsplit=1)[0]
    (folder / "order.yaml").write_text(without_evidence + "evidence:\n" + "".join(
        f"  - file: {name}\n    caption: Photo {n}\n" for n, name in enumerate(names)),
        encoding="utf-8")
    for name in names:  # a header declaring side × side is all inspection reads
        (folder / name).write_bytes(declared_png(side, side))
    in_flight: list[int] = []
    peak = [0]
    lock = threading.Lock()

    def process(path: Path, *args: object, **kwargs: object) -> images.Processed:
        with lock:
            in_flight.append(side * side)
            peak[0] = max(peak[0], sum(in_flight))
        time.sleep(0.05)
        with lock:
            in_flight.remove(side * side)
        return images.Processed(data=png(10, 10, 0x80), media_type="image/png", width=10,
                                height=10, warnings=())

    monkeypatch.setattr(images, "process", process)
    # Only the headers are written: validation's read-through of each file is skipped.
    monkeypatch.setattr(images, "check_whole", lambda image: None)
    case = orderpack.validate(folder / "order.yaml")
    exhibits = evidence.process(case, workers=6)
    assert len(exhibits) == 6
    assert side * side <= peak[0] <= evidence.MAX_PIXELS_AT_ONCE


# --- a cache folder that cannot be written ----------------------------------------------------


def test_a_file_in_place_of_the_cache_folder_only_costs_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = _write_case(tmp_path, monkeypatch)
    reuse_layouts(monkeypatch)  # the subject is the cache of pictures, not the layout
    (tmp_path / "cache").write_text("not a folder", encoding="utf-8")
    result = build_cli(order)
    assert result.exit_code == 0, result.output
    assert (f"Warning: the cache folder {tmp_path / 'cache'} cannot be written (a file is in "
            "the place of a folder)") in result.stderr
    assert "ORDERPACK_CACHE_DIR" in result.stderr
    assert "disk space" not in result.stderr
    assert (tmp_path / "cache").read_text(encoding="utf-8") == "not a folder"
    assert_consistent(order.parent / "out")


def test_a_read_only_cache_folder_only_costs_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = _write_case(tmp_path, monkeypatch)
    reuse_layouts(monkeypatch)  # the subject is the cache of pictures, not the layout
    cache_root = tmp_path / "cache"
    cache_root.mkdir()
    real_mkstemp = tempfile.mkstemp

    def read_only(*args: Any, **kwargs: Any) -> tuple[int, str]:
        # chmod does not stop root: fail as a read-only folder fails for everyone else
        if str(kwargs.get("dir", "")).startswith(str(cache_root)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = build_cli(order)
    assert result.exit_code == 0, result.output
    assert f"the cache folder {cache_root} cannot be written (Permission denied)" in (
        result.stderr)
    assert list(cache_root.rglob("*.png")) == []
    assert_consistent(order.parent / "out")
