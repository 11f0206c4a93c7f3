"""``python -m orderpack`` and the ``orderpack`` command: the command line.

Ctrl-C while the modules load (before a command can catch it) ends it as Ctrl-C does
later, with a line and exit status 130, never a traceback. ``import orderpack`` loads
nearly nothing, so little of the start-up comes before this.

A Ctrl-C can also land while Python runs a finaliser (a ``__del__`` method or a weak
reference's callback during a garbage collection). Python cannot raise it there: it prints
"Exception ignored in …" and goes on as if no key was pressed. The command line's start
therefore hands such an interrupt back to the main thread a moment later, so it ends the
command as any other Ctrl-C does.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading


def _interrupt_again() -> None:
    """Send Ctrl-C's signal again; Python runs its handler on the main thread."""
    signal.raise_signal(signal.SIGINT)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """``sys.unraisablehook``: an interrupt swallowed by a finaliser is raised again, from a
    short-lived thread so that it does not land in this hook; anything else is reported
    as Python reports it."""
    if issubclass(unraisable.exc_type, KeyboardInterrupt):
        # At Python's shutdown no thread can start; the command has ended by then.
        with contextlib.suppress(RuntimeError):
            threading.Thread(target=_interrupt_again, name="orderpack-interrupt",
                             daemon=True).start()
        return
    sys.__unraisablehook__(unraisable)


def run() -> None:
    """Start the command line."""
    sys.unraisablehook = _unraisable
    try:
        from orderpack.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing was changed.\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
