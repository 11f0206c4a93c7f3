"""What a build does to the output folder: it replaces orderpack's own packet, and nothing
the buyer made — files, folders or links put into it, files changed since the build, the
packet of another order file, a link in the place of out/ — and it leaves no staging
folder behind. (The refusals as a user meets them are in the bad-input corpus:
tests/fixtures/bad-build/out-* and test_bad_inputs.GENERATED_BUILD.)"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from layout_memo import reuse_layouts
from test_bad_inputs import ORDER, png  # the corpus's order and image, shared

import orderpack
from orderpack import batch
from orderpack.cli import main
from orderpack.errors import BuildError
from orderpack.packet import Options

TODAY = date(2026, 11, 26)

# One pytest-xdist worker runs the module: its case is built once (``built_case``).
pytestmark = pytest.mark.xdist_group("output-folder")


@pytest.fixture(scope="module")
def built_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small case with one exhibit, built once for the module: the folder holding case/
    and cache/, to copy from (a packet names nothing outside its case folder, so a copy is
    the packet a build there would write)."""
    root = tmp_path_factory.mktemp("built-case")
    folder = root / "case"
    folder.mkdir()
    (folder / "order.yaml").write_text(
        ORDER + "evidence:\n  - file: tracking.png\n    caption: Tracking page\n",
        encoding="utf-8")
    (folder / "tracking.png").write_bytes(png(8, 8))
    with pytest.MonkeyPatch.context() as monkeypatch:
        reuse_layouts(monkeypatch)  # a fresh layout, kept for the tests' builds
        orderpack.build(folder / "order.yaml", TODAY, cache_dir=root / "cache")
    return root


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_case: Path) -> Path:
    """A copy of ``built_case``, its packet built; its order.yaml. Each HTML is laid out
    once (layout_memo.py): the subject here is the output folder, not the layout."""
    for name in ("case", "cache"):
        shutil.copytree(built_case / name, tmp_path / name, symlinks=True)
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "cache"))
    reuse_layouts(monkeypatch)
    return tmp_path / "case" / "order.yaml"


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".orderpack-"))


@pytest.mark.parametrize("name", ["dispute.txt", "evidence.pdf", "exhibits/A-tracking-page.png"])
def test_an_output_changed_after_the_build_is_not_overwritten(case: Path, name: str) -> None:
    out = case.parent / "out"
    with (out / name).open("ab") as handle:
        handle.write(b"\n% the buyer's note\n")
    changed = (out / name).read_bytes()
    with pytest.raises(BuildError, match=f"{out / name} was changed after orderpack wrote it"):
        orderpack.build(case, TODAY)
    assert (out / name).read_bytes() == changed
    assert leftovers(case.parent) == []
    (out / name).rename(case.parent / "mine")  # moved away, as the message says
    orderpack.build(case, TODAY)
    assert (case.parent / "mine").read_bytes() == changed


def test_an_output_deleted_by_the_buyer_is_no_loss(case: Path) -> None:
    (case.parent / "out" / "dispute.txt").unlink()
    assert orderpack.build(case, TODAY).dispute_text.is_file()


def test_an_empty_folder_or_a_link_in_out_is_kept(case: Path, tmp_path: Path) -> None:
    out = case.parent / "out"
    (out / "drafts").mkdir()
    with pytest.raises(BuildError, match=r"holds files orderpack did not write \(drafts/\)"):
        orderpack.build(case, TODAY)
    (out / "drafts").rmdir()
    (tmp_path / "receipts").mkdir()
    (out / "exhibits" / "receipts").symlink_to(tmp_path / "receipts")
    with pytest.raises(BuildError, match=r"\(exhibits/receipts \(a link\)\)"):
        orderpack.build(case, TODAY)
    assert (out / "exhibits" / "receipts").is_symlink()


def test_the_manifest_names_the_order_file(case: Path, tmp_path: Path) -> None:
    manifest = json.loads((case.parent / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["order_file"] == "order.yaml"
    result = orderpack.build(case, TODAY, out=tmp_path / "packets" / "jane")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["order_file"] == "../case/order.yaml"  # relative: no account name


def test_two_order_files_in_one_folder_do_not_share_out(case: Path) -> None:
    second = case.with_name("second-order.yaml")
    second.write_text(case.read_text(encoding="utf-8").replace(
        "8190123456789012", "8190999999999999"), encoding="utf-8")
    with pytest.raises(BuildError, match=(
            r"out holds the packet built from order\.yaml, not from second-order\.yaml; .* "
            r"--out .*/case/out-second-order")):
        orderpack.build(second, TODAY)
    own = orderpack.build(second, TODAY, out=case.parent / "out-second-order")
    assert "8190999999999999" in own.dispute_text.read_text(encoding="utf-8")
    assert "8190123456789012" in (case.parent / "out" / "dispute.txt").read_text(
        encoding="utf-8")


@pytest.mark.slow
@pytest.mark.usefixtures("forking")
def test_a_batch_of_two_order_files_in_one_folder_builds_one(case: Path,
                                                             tmp_path: Path) -> None:
    shutil.rmtree(case.parent / "out")
    second = case.with_name("second-order.yaml")
    second.write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    results = batch.build_many([case, second], TODAY, Options(), jobs=2)
    assert sorted(result.ok for result in results) == [False, True]
    failed = next(result for result in results if not result.ok)
    assert "holds the packet built from" in str(failed.error)
    assert leftovers(case.parent) == []


def test_a_link_in_place_of_out_is_refused_and_kept(case: Path, tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "notes.txt").write_text("mine", encoding="utf-8")
    out = case.parent / "out"
    shutil.rmtree(out)
    out.symlink_to(tmp_path / "shared", target_is_directory=True)
    with pytest.raises(BuildError, match=r"is a link to .*shared; orderpack does not write "
                                         "through links"):
        orderpack.build(case, TODAY)
    assert out.is_symlink()
    assert (tmp_path / "shared" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert leftovers(case.parent) == []
    result = orderpack.build(case, TODAY, out=tmp_path / "shared" / "packet")
    assert result.dispute_text.is_file()


def test_a_link_an_earlier_version_moved_aside_is_removed(case: Path, tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (case.parent / ".orderpack-old-abcd1234~out").symlink_to(tmp_path / "shared")
    (case.parent / ".orderpack-notes").mkdir()  # not a name orderpack makes
    orderpack.build(case, TODAY)
    assert leftovers(case.parent) == [".orderpack-notes"]
    assert (tmp_path / "shared").is_dir()


def test_a_link_moved_aside_in_place_of_a_missing_out_is_put_back(case: Path,
                                                                  tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    shutil.rmtree(case.parent / "out")
    (case.parent / ".orderpack-old-abcd1234~out").symlink_to(tmp_path / "shared")
    with pytest.raises(BuildError, match="is a link to"):
        orderpack.build(case, TODAY)
    assert (case.parent / "out").is_symlink()
    assert leftovers(case.parent) == []


def test_the_packet_moved_aside_is_removed_even_if_removing_fails_once(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shutil.rmtree
    failures: list[str] = []

    def flaky(path: object, *args: object, **kwargs: object) -> None:
        if ".orderpack-old-" in str(path) and not failures:
            failures.append(str(path))
            raise RuntimeError("rmtree failed")  # as Python 3.13's does on a failed os.open
        real(path, *args, **kwargs)  # type: ignore[arg-type]  # flaky takes what rmtree takes

    monkeypatch.setattr(shutil, "rmtree", flaky)  # the one output_folder calls
    orderpack.build(case, TODAY)
    assert failures
    assert leftovers(case.parent) == []


def test_the_cli_says_why_and_writes_nothing(case: Path) -> None:
    (case.parent / "out" / "dispute.txt").write_text("edited", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(case), "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {case.parent / 'out' / 'dispute.txt'} was changed")
    assert (case.parent / "out" / "dispute.txt").read_text(encoding="utf-8") == "edited"
