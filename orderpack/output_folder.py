"""The output folder: what a build may replace, and the swap that replaces it.

A packet is written into a staging folder beside ``out`` (:func:`staging`) and swapped in
at the end, under a lock on the parent folder (:func:`locked`), so a failed or interrupted
build leaves the previous packet as it was. :func:`check` refuses an ``out`` whose
replacement would lose something the buyer made or chose.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orderpack import cache, manifest
from orderpack.contents import EXHIBITS_DIR, MANIFEST
from orderpack.errors import BuildError
from orderpack.evidence import slug
from orderpack.loader import visible
from orderpack.model import Case

STAGING_PREFIX = ".orderpack-"

#: Files a file manager adds to any folder it shows; a build may replace them.
_SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")


def check(out: Path, case: Case) -> None:
    """Refuse an ``out`` whose replacement would lose something the buyer made or chose:
    a file or a link in its place; a folder orderpack did not make (someone else's
    ``manifest.json`` does not count); the packet of another order file; anything put into
    a packet after it was built — files, folders, links — and any file of it changed since
    (its SHA-256 no longer the manifest's). Files a file manager adds are no loss."""
    try:
        if out.is_symlink():
            raise BuildError(_link_message(out))
        if out.exists() and not out.is_dir():
            raise BuildError(f"{out} exists and is not a folder; choose another --out")
        if out.is_dir() and any(out.iterdir()):
            record = manifest.read(out)
            if record is None:
                raise BuildError(
                    f"{out} exists and was not made by orderpack (it has no {MANIFEST} of "
                    "orderpack's); orderpack will not overwrite it — choose another --out, "
                    "or empty that folder")
            _check_same_case(out, case, record)
            added, edited = _changes(out, record)
            if added:
                raise BuildError(
                    f"{out} holds files orderpack did not write ({_listed(added)}); a build "
                    "replaces the whole folder — move them elsewhere first, or choose another "
                    "--out")
            if edited:
                were = "was" if len(edited) == 1 else "were"
                raise BuildError(
                    f"{_listed([str(out / name) for name in edited])} {were} changed "
                    f"after orderpack wrote {'it' if len(edited) == 1 else 'them'} (the "
                    f"SHA-256 in {MANIFEST} no longer matches); a build would overwrite the "
                    "changes — move or rename what you want to keep, then build again")
        folder = case.folder.resolve()
        if out.resolve() == folder or folder.is_relative_to(out.resolve()):
            raise BuildError(f"--out {out} would replace the case folder itself; choose a "
                             "folder inside or beside it, e.g. the default out/")
    except RuntimeError:  # Path.resolve() on Python 3.11 and 3.12: "Symlink loop from …"
        raise BuildError(_loop_message(out)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BuildError(_loop_message(out)) from None
        raise BuildError(f"could not read {out}: {exc.strerror or exc}") from None


def _link_message(out: Path) -> str:
    try:
        target = out.resolve(strict=True)
    except RuntimeError:  # a loop, on Python 3.11 and 3.12
        return _loop_message(out)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _loop_message(out)
        return (f"{out} is a link to {out.readlink()}, which does not exist; delete the "
                "link, then build again")
    return (f"{out} is a link to {target}; orderpack does not write through links — delete "
            f"the link, or give the folder itself: --out {target}")


def _loop_message(out: Path) -> str:
    return (f"{out} is a symbolic link that leads back to itself (a loop); delete the link, "
            "then build again")


def _check_same_case(out: Path, case: Case, record: dict[str, Any]) -> None:
    """Refuse to replace the packet of another order file (two in one folder share out/)."""
    recorded = record.get("order_file")
    inputs = record.get("inputs")
    if recorded is None and out.parent == case.folder.absolute() and isinstance(inputs, list) \
            and inputs and isinstance(inputs[0], dict):
        recorded = inputs[0].get("path")  # manifests before 0.2 name it as the first input
    this = manifest.order_file(case, out)
    if not isinstance(recorded, str) or recorded == this:
        return
    own = out.with_name(f"{out.name}-{slug(case.path.stem)}")
    raise BuildError(
        f"{out} holds the packet built from {visible(recorded)}, not from {case.path.name}; "
        f"orderpack will not replace one case's packet with another's — give this case its "
        f"own folder with --out {own}, or move {case.path.name} and its evidence into a case "
        "folder of its own")


def _changes(out: Path, record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What is in ``out`` that orderpack did not write (files, folders, links), and the
    files it wrote that were changed since: paths relative to ``out``."""
    outputs = record.get("outputs")
    written = {entry["path"]: entry.get("sha256") for entry in
               (outputs if isinstance(outputs, list) else [])
               if isinstance(entry, dict) and isinstance(entry.get("path"), str)}
    folders = {EXHIBITS_DIR} | {parent.as_posix() for path in written
                                for parent in Path(path).parents if parent != Path()}
    added: list[str] = []
    edited: list[str] = []

    def walk(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                relative = prefix + entry.name
                if entry.is_symlink():
                    added.append(f"{relative} (a link)")
                elif entry.is_dir(follow_symlinks=False):
                    if relative in folders:
                        walk(Path(entry.path), relative + "/")
                    else:
                        added.append(relative + "/")
                elif relative == MANIFEST:
                    continue
                elif relative in written and entry.is_file(follow_symlinks=False):
                    if cache.file_sha256(Path(entry.path)) != written[relative]:
                        edited.append(relative)
                elif entry.name not in _SYSTEM_FILES and not entry.name.startswith("._"):
                    added.append(relative)

    walk(out, "")
    return added, edited


def _listed(names: list[str]) -> str:
    shown = [visible(name) for name in names[:3]]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(shown) + more


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so two builds never swap at the same time.

    The lock is ``flock`` on the folder itself: nothing is written for it, so nothing
    stays behind in the buyer's folder (a lock file would).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"could not create the folder {folder}: {exc.strerror or exc}") from None
    try:
        import fcntl
    except ImportError:  # Windows: the swap is still all-or-nothing, last writer wins.
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise BuildError(f"could not open the folder {folder}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


NEW_PREFIX = STAGING_PREFIX + "new-"
"""A packet being written."""
OLD_PREFIX = STAGING_PREFIX + "old-"
"""The previous packet, moved aside while the new one takes its place; named
``.orderpack-old-XXXXXXXX~OUT`` after the folder it was."""


@contextlib.contextmanager
def staging(out: Path, check: Callable[[], None]) -> Iterator[Path]:
    """A temporary folder beside ``out``, swapped in for ``out`` only if the block succeeds.

    Use it holding :func:`locked` on ``out.parent``: a staging folder found there then
    belongs to a build that was killed (nothing cleans up after SIGKILL), and is removed
    first. If a kill came between the two renames of a swap, the previous packet, moved
    aside, is put back as ``out`` before that. Then ``check`` runs (may ``out`` be
    replaced?) — under the lock, so no other build changes ``out`` before the swap.
    """
    stage: Path | None = None
    old: Path | None = None
    try:
        if os.name == "posix":  # elsewhere _locked locks nothing: another build may be running
            _clean_up(out)
        check()
        stage = Path(tempfile.mkdtemp(prefix=NEW_PREFIX, dir=out.parent))
        yield stage
        if out.exists():
            # Named for ``out`` (after the "~"), to be put back if a kill comes next.
            old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, suffix="~" + out.name,
                                        dir=out.parent))
            old.rmdir()
            out.rename(old)
        try:
            stage.rename(out)
            stage = None
        except BaseException:
            if old is not None:
                old.rename(out)
                old = None
            raise
    except OSError as exc:
        raise BuildError(f"could not write {out}: {exc.strerror or exc}") from None
    finally:
        for path in (stage, old):
            if path is not None:
                _remove(path)


def _clean_up(out: Path) -> None:
    """Remove what killed builds left beside ``out`` (only orderpack's own names, see
    :data:`NEW_PREFIX` and :data:`OLD_PREFIX`), after putting back as ``out`` a previous
    packet a kill left moved aside. The packet of another folder moved aside is left for
    that folder's build to put back."""
    left = [path for path in out.parent.iterdir()
            if path.name.startswith((NEW_PREFIX, OLD_PREFIX)) and path != out]
    aside = sorted((path for path in left if path.name.startswith(OLD_PREFIX)
                    and path.name.partition("~")[2] == out.name),
                   key=lambda path: path.lstat().st_mtime)
    if aside and not os.path.lexists(out):
        aside[-1].rename(out)
        left.remove(aside[-1])
    for path in left:
        name = path.name.partition("~")[2]
        if path.name.startswith(OLD_PREFIX) and name != out.name and name and not (
                os.path.lexists(out.parent / name)):
            continue
        _remove(path)


def _remove(path: Path) -> None:
    """Delete a folder orderpack made (or a link an earlier version moved aside), trying
    twice: whatever goes wrong (Python 3.13's ``rmtree`` fails on other calls than 3.11's),
    it must not stay behind, and it must not fail a build that has done its work. What
    still cannot be removed is removed by the next build."""
    for _attempt in range(2):
        try:
            if path.is_symlink() or not path.is_dir():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path)
            return
        except FileNotFoundError:
            return
        except Exception:  # anything, even a bug: tried again, else left for the next build
            continue
