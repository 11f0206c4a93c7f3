"""The README stays true: its Python API examples run, every command is described."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import click
import pytest

from orderpack.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
API_FUNCTIONS = ("validate", "status", "preflight", "build", "message", "message_steps",
                 "rules", "init")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else len(README)]


def test_the_python_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     warm_cache: Path) -> None:
    # The sample's pictures are processed already: the examples' build only renders.
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))
    blocks = re.findall(r"```python\n(.*?)```", _section("Python API"), re.DOTALL)
    assert len(blocks) >= 5
    code = "\n".join(blocks)
    for name in API_FUNCTIONS:  # one example at least for each command's function
        assert f"orderpack.{name}(" in code, name
    shutil.copytree(ROOT / "samples", tmp_path / "samples",
                    ignore=shutil.ignore_patterns("out", "*.py"))
    monkeypatch.chdir(tmp_path / "samples")
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # the README's own code
    out = printed.getvalue()
    assert "AliExpress 8190123456789012" in out
    assert "the file does not exist" in out
    assert (tmp_path / "samples" / "packet" / "evidence.pdf").is_file()
    assert (tmp_path / "samples" / "new-case" / "order.yaml").is_file()


def _commands() -> dict[str, click.Command]:
    assert isinstance(main, click.Group)
    return dict(main.commands)


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_and_a_place_in_the_readme(name: str) -> None:
    command = _commands()[name]
    assert command.help, f"{name} has no help text"
    assert command.help.strip(), f"{name} has no help text"
    assert command.get_short_help_str().strip()
    assert f"orderpack {name}" in README, f"the README does not mention `orderpack {name}`"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts[0]} has no help text"
