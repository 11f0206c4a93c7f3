"""`orderpack serve`: the whole case in a local web page, over the same API as the CLI.

:mod:`.app` holds the routes, :mod:`.security` what keeps the page private,
:mod:`.cases` the case folders and safe paths, :mod:`.orderfile` the round-trip edits
of order.yaml, :mod:`.jobs` the background builds.
"""
