"""`orderpack serve` as a command: it prints one address with a token, serves it, and
stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SAMPLES

#: `python -m orderpack ARGS` with the default handling of Ctrl-C.
AS_IN_A_TERMINAL = ("import runpy, signal, sys; "
                    "signal.signal(signal.SIGINT, signal.default_int_handler); "
                    "sys.argv[0] = 'orderpack'; runpy.run_module('orderpack', run_name='__main__')")


@pytest.mark.slow
def test_serve_prints_its_address_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES / "aliexpress-missing", tmp_path / "case",
                    ignore=shutil.ignore_patterns("out"))
    # Ctrl-C handled as in a terminal, even where the tests run with it ignored (a
    # background job of a shell: its children inherit that, and the server would exit 0).
    process = subprocess.Popen(
        [sys.executable, "-c", AS_IN_A_TERMINAL, "serve", str(tmp_path), "--no-browser",
         "--today", "2026-11-26"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:(\d+)/\?token=[\w-]{20,})  \(Ctrl-C", line)
        assert match, line
        with pytest.raises(urllib.error.HTTPError, match="HTTP Error 403") as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{match[2]}/", timeout=10)
        assert refused.value.code == 403
        refused.value.close()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(match[1], timeout=10) as answer:
            assert "8190123456789012" in answer.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert "Traceback" not in err
    assert process.returncode == 130  # the CLI's exit status for an interrupt
    assert "Interrupted; nothing was changed." in err


def test_serve_warns_before_exposing_the_cases(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from orderpack.cli import main

    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--host", "192.0.2.1",
                                       "--no-browser"])
    assert "anyone who can reach this machine" in result.stderr
    assert result.exit_code == 1  # 192.0.2.1 is no address of this machine
    assert "cannot serve on 192.0.2.1" in result.stderr
