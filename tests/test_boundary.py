"""The command line is thin: one error boundary for every command, typed calls into the API,
and the words in report.py."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from orderpack import api, cli
from orderpack.cli import main
from orderpack.errors import OrderpackError, Problem

PACKAGE = Path(__file__).resolve().parent.parent / "orderpack"

#: Each command, the API function it calls first, and arguments that reach it.
CALLS = [
    ("validate", "validate", ["case/order.yaml"]),
    ("validate", "validate", ["case/order.yaml", "--json"]),
    ("schema", "schema", []),
    ("init", "check_new_folder", ["new", "--no-input"]),
    ("status", "status", ["case/order.yaml", "--today", "2026-11-26"]),
    ("status", "status", ["case/order.yaml", "--json"]),
    ("message", "message", ["seller", "case/order.yaml"]),
    ("message", "message_steps", ["--list", "case/order.yaml"]),
    ("rules", "rules", ["ebay"]),
    ("build", "build", ["case/order.yaml"]),
    ("build", "preflight", ["case/order.yaml", "--dry-run"]),
    ("build", "build_many", ["a/order.yaml", "b/order.yaml"]),
]


@pytest.mark.parametrize(("command", "function", "args"), CALLS)
def test_every_command_reports_an_orderpack_error_as_one_message(
        command: str, function: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    problem = Problem("case/order.yaml", "something is wrong", line=3, field="order.total",
                      fix="write it like this")

    def fail(*_args: object, **_kwargs: object) -> object:
        raise OrderpackError("one problem:", [problem])

    monkeypatch.setattr(api, function, fail)
    result = CliRunner().invoke(main, [command, *args])
    assert result.exit_code == 1, result.output
    assert result.stderr == ("Error: case/order.yaml:3: order.total: something is wrong — "
                             "write it like this\n")
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("command", "function", "args"), CALLS)
def test_a_bug_in_any_command_is_one_line_and_a_traceback_only_with_debug(
        command: str, function: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_args: object, **_kwargs: object) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api, function, crash)
    result = CliRunner().invoke(main, [command, *args])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: orderpack failed unexpectedly. Run again with "
                                    "--debug")
    debugged = CliRunner().invoke(main, ["--debug", command, *args])
    assert isinstance(debugged.exception, ZeroDivisionError)


@pytest.mark.parametrize("command", ["validate", "schema", "message", "rules", "build"])
def test_ctrl_c_in_any_command_says_nothing_was_changed(
        command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_args: object, **_kwargs: object) -> object:
        raise KeyboardInterrupt

    for _, function, _ in CALLS:
        monkeypatch.setattr(api, function, interrupt)
    args = next(args for name, _, args in CALLS if name == command)
    result = CliRunner().invoke(main, [command, *args])
    assert result.exit_code == 130
    assert result.stderr == "Interrupted; nothing was changed.\n"


@pytest.mark.parametrize("debug", [[], ["--debug"]], ids=["plain", "debug"])
@pytest.mark.parametrize("error", [RuntimeError("Error building validator: KeyboardInterrupt"),
                                   OrderpackError("could not write the PDF: interrupted")],
                         ids=["a library's error", "orderpack's error"])
def test_after_ctrl_c_an_error_a_library_made_of_it_ends_as_ctrl_c(
        error: Exception, debug: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic-core, building a validator as a module loads, reports the KeyboardInterrupt
    # raised there as an error of its own; the command's Ctrl-C handler noted the key.
    pressed = threading.Event()
    pressed.set()
    monkeypatch.setattr(cli, "CTRL_C", pressed)

    def fail(*_args: object, **_kwargs: object) -> object:
        raise error

    monkeypatch.setattr(api, "status", fail)
    result = CliRunner().invoke(main, [*debug, "status", "case/order.yaml"])
    assert (result.exit_code, result.stderr) == (130, "Interrupted; nothing was changed.\n")
    assert isinstance(result.exception, SystemExit)


def _tree(name: str) -> ast.Module:
    return ast.parse((PACKAGE / name).read_text(encoding="utf-8"))


def test_the_command_line_has_no_any_typed_parameter_and_one_boundary() -> None:
    tree = _tree("cli.py")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for argument in [*node.args.args, *node.args.kwonlyargs]:
                annotation = ast.unparse(argument.annotation) if argument.annotation else ""
                assert "Any" not in annotation, f"{node.name}({argument.arg}: {annotation})"
    # Errors are caught in one place: the command group's invoke.
    catching = [function.name for function in ast.walk(tree)
                if isinstance(function, ast.FunctionDef)
                for handler in ast.walk(function) if isinstance(handler, ast.ExceptHandler)
                and handler.type is not None
                and {name.id for name in ast.walk(handler.type) if isinstance(name, ast.Name)}
                & {"OrderpackError", "Exception", "KeyboardInterrupt"}]
    assert catching == ["invoke"]
    assert "import Any" not in (PACKAGE / "cli.py").read_text(encoding="utf-8")


def test_report_is_pure_words() -> None:
    """report.py makes strings: no click, no printing, no files, no clock."""
    tree = _tree("report.py")
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not imported & {"click", "os", "sys", "time", "datetime"}
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"print", "open"}
