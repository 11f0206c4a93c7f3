"""``python -m orderpack`` and the ``orderpack`` command: the command line.

Ctrl-C while the modules load (before a command can catch it) ends it as Ctrl-C does
later, with a line and exit status 130, never a traceback. ``import orderpack`` loads
nearly nothing, so little of the start-up comes before this.

A Ctrl-C can also land while Python runs a finaliser (a ``__del__`` method or a weak
reference's callback during a garbage collection). Python cannot raise it there: it prints
"Exception ignored in …" and goes on as if no key was pressed. The command line's start
therefore hands such an interrupt back to the main thread a moment later, so it ends the
command as any other Ctrl-C does.

Nor can every library let the interrupt through: pydantic-core, building a validator while a
module loads, reports a KeyboardInterrupt raised inside as an error of its own. So the
command's Ctrl-C handler also notes that the key was pressed (``orderpack.cli.CTRL_C``), and
the command line's error boundary ends the command as Ctrl-C does, whatever error follows.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import signal
import sys
import threading
from types import FrameType


def _interrupt_again() -> None:
    """Send Ctrl-C's signal again; Python runs its handler on the main thread."""
    signal.raise_signal(signal.SIGINT)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """``sys.unraisablehook``: an interrupt swallowed by a finaliser is raised again, from a
    short-lived thread; anything else is reported as Python reports it.

    The thread's signal may come back while this hook is still starting it (Python runs the
    handler at its next check, which can be inside ``Thread.start``): an interrupt escaping
    the hook would be swallowed again, so it is caught here and sent once more. Each one
    caught is the signal of a thread already done, so exactly one stays pending."""
    if not issubclass(unraisable.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    while True:
        try:
            # At Python's shutdown no thread can start; the command has ended by then.
            with contextlib.suppress(RuntimeError):
                threading.Thread(target=_interrupt_again, name="orderpack-interrupt",
                                 daemon=True).start()
            return
        except KeyboardInterrupt:
            continue


def run() -> None:
    """Start the command line."""
    sys.unraisablehook = _unraisable
    # At exit, Python's last garbage collections walk every object the command loaded or
    # made (WeasyPrint's tables, a build's layout): a tenth of a build's CPU, a sixth of
    # `validate`'s. The process is ending and the system takes its memory back whole, so
    # those objects are frozen first and the collections skip them. Registered first, this
    # runs after every other exit handler (the libraries' own: their files closed and
    # temporary folders removed), and the standard streams are flushed after it.
    atexit.register(gc.freeze)
    try:
        from orderpack import cli

        # Not where Ctrl-C is ignored (a program started in the background) or handled
        # otherwise.
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _ctrl_c)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing was changed.\n")
        sys.exit(130)
    cli.main()


def _ctrl_c(signum: int, frame: FrameType | None) -> None:
    """Python's Ctrl-C handler (KeyboardInterrupt), which also notes that the key was pressed
    (see the module's description)."""
    from orderpack.cli import CTRL_C

    CTRL_C.set()
    signal.default_int_handler(signum, frame)


if __name__ == "__main__":
    run()
