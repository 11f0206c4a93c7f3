"""``python -m orderpack`` and the ``orderpack`` command: the command line.

Ctrl-C while the modules load (before a command can catch it) ends it as Ctrl-C does
later, with a line and exit status 130, never a traceback. ``import orderpack`` loads
nearly nothing, so little of the start-up comes before this.
"""

import sys


def run() -> None:
    """Start the command line."""
    try:
        from orderpack.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing was changed.\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
