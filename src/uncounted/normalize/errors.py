"""Errors raised by the normalisers."""

from __future__ import annotations

from uncounted.errors import UncountedError


class NormalizeError(UncountedError, ValueError):
    """A value could not be normalised; the message names the value and what was expected."""


class DateParseError(NormalizeError):
    """A date could not be read, or names a day that does not exist."""


class AgeParseError(NormalizeError):
    """An age could not be read."""


class GazetteerError(NormalizeError):
    """A gazetteer file is malformed."""
