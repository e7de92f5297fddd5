"""The bridge to the name model in ``uncounted.normalize`` (namekey and names).

Linkage needs two things from a name: its canonical core tokens (romanisation variants
collapsed, honorifics and the Muhammad prefix dropped as optional) and, for a raw name
such as "Muhammad Iqbal s/o Abdul Ghafoor", the split into the person's own name and
the father's (or husband's). Results are cached because names repeat heavily.
"""

from __future__ import annotations

from functools import lru_cache

from uncounted.normalize import namekey
from uncounted.normalize.names import parse_name

__all__ = ["core_tokens", "split_raw_name"]


@lru_cache(maxsize=1_000_000)
def _core_tokens_cached(name: str) -> tuple[str, ...]:
    return tuple(namekey.core_tokens(name))


def core_tokens(name: str | None) -> list[str]:
    """Canonical core tokens of a name, in written order (empty for no name)."""
    if not name:
        return []
    return list(_core_tokens_cached(name))


@lru_cache(maxsize=1_000_000)
def split_raw_name(raw: str) -> tuple[str | None, str | None]:
    """(own name with honorifics, father's or husband's name) from a raw name string."""
    parsed = parse_name(raw)
    own = parsed.full_name.strip() or None
    return own, parsed.relative_name or None
