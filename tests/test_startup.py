"""`orderpack validate` starts quickly: it imports only what checking a case needs.

The renderer (WeasyPrint and what it brings), the PDF libraries, the templates, the
language detector and the build's own modules each add to every start; `validate` must
load none of them. Checked in a new process, as the buyer runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "aliexpress-missing" / "order.yaml"

#: Packages `validate` has no use for, each slow to import.
NOT_FOR_VALIDATE = {
    "weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fontTools",  # the renderer
    "pikepdf", "pypdf",  # PDF exhibits and the finished PDF
    "jinja2", "markupsafe",  # the templates
    "lingua",  # the language of quoted messages, only for a warning about them
    "pillow_heif",  # HEIC pictures, when a case has none
    "platformdirs",  # where the cache lives, only for a build
}
#: orderpack's modules of a build, status or message, not of validate.
NOT_FOR_VALIDATE_OWN = {
    "orderpack.budget", "orderpack.destinations", "orderpack.packet", "orderpack.render",
    "orderpack.evidence_pdf", "orderpack.tagging", "orderpack.fonts", "orderpack.timeline",
    "orderpack.fitting", "orderpack.contents", "orderpack.messages", "orderpack.wording",
}

# The command line run as `orderpack validate ORDER` runs it; at exit, the modules it loaded.
_RUN = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["orderpack", "validate", sys.argv[1]]
from orderpack.__main__ import run
run()
"""


def test_validate_imports_neither_the_renderer_nor_the_build() -> None:
    done = subprocess.run([sys.executable, "-c", _RUN, str(SAMPLE)], capture_output=True,
                          text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    packages = {name.split(".")[0] for name in loaded}
    assert "PIL" in packages  # it did check the pictures
    assert "orderpack.validation" in loaded
    assert packages & NOT_FOR_VALIDATE == set()
    assert loaded & NOT_FOR_VALIDATE_OWN == set()


# The command line run as `orderpack validate ORDER` runs it; the last exit handler (this
# one, registered before the command line starts) reports how many objects are frozen.
_FROZEN_AT_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print(gc.get_freeze_count(), file=sys.stderr))
sys.argv = ["orderpack", "validate", sys.argv[1]]
from orderpack.__main__ import run
run()
"""


def test_the_command_line_leaves_its_objects_to_the_system_at_exit() -> None:
    """Python's collections at exit would walk every object the command loaded, for nothing:
    the command line freezes them first, after the other exit handlers ran."""
    done = subprocess.run([sys.executable, "-c", _FROZEN_AT_EXIT, str(SAMPLE)],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout
    assert int(done.stderr.strip().splitlines()[-1]) > 10_000  # the modules' objects, at least
