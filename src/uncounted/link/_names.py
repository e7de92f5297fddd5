"""The bridge to the name model in ``uncounted.normalize`` (namekey and names).

Linkage needs two things from a name: its canonical core tokens (romanisation variants
collapsed, honorifics and the Muhammad prefix dropped as optional) and, for a raw name
such as "Muhammad Iqbal s/o Abdul Ghafoor", the split into the person's own name and
the father's. Results are cached because names repeat heavily.
"""

from __future__ import annotations

import re
from functools import lru_cache

try:  # the normalize engineer's name model
    from uncounted.normalize import namekey as _namekey
except ImportError:  # pragma: no cover - only while normalize is being written
    _namekey = None

__all__ = ["core_tokens", "split_raw_name"]

_SPLIT = re.compile(r"[^\w]+", re.UNICODE)
_FATHER_MARK = re.compile(r"\b(?:s/o|d/o|w/o|son of|daughter of|wife of|bin|bint)\b", re.IGNORECASE)


@lru_cache(maxsize=1_000_000)
def _core_tokens_cached(name: str) -> tuple[str, ...]:
    if _namekey is not None:
        return tuple(_namekey.core_tokens(name))
    return tuple(t for t in _SPLIT.split(name.lower()) if t)


def core_tokens(name: str | None) -> list[str]:
    """Canonical core tokens of a name, in written order (empty for no name)."""
    if not name:
        return []
    return list(_core_tokens_cached(name))


@lru_cache(maxsize=1_000_000)
def split_raw_name(raw: str) -> tuple[str | None, str | None]:
    """(own name, father's or husband's name) from a raw name string."""
    m = _FATHER_MARK.search(raw)
    if m is None:
        return raw.strip() or None, None
    own, father = raw[: m.start()].strip(" ,;-"), raw[m.end():].strip(" ,;-")
    return own or None, father or None
