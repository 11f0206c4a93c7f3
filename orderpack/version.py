"""orderpack's version, in a module of its own: the modules that record it (the manifest,
the PDF's identifier) read it here rather than from the package, which they sit below."""

__version__ = "0.1.0"
