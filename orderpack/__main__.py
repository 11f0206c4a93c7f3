"""``python -m orderpack`` runs the command line."""

from orderpack.cli import main

main()
