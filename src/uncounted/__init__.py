"""uncounted: document, link and count alleged human-rights violations."""

__version__ = "0.1.0"
