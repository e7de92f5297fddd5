"""Digits from other scripts (Arabic-Indic, Urdu/Persian, Devanagari, ...) to ASCII 0-9."""

from __future__ import annotations

import unicodedata

# Arabic-script separators that travel with numbers.
_SEPARATORS = {
    "\u066b": ".",  # ARABIC DECIMAL SEPARATOR
    "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR
    "\u060c": ",",  # ARABIC COMMA
    "\u066a": "%",  # ARABIC PERCENT SIGN
}


def _build_table() -> dict[int, str]:
    """Map every Unicode decimal digit of the Basic Multilingual Plane to its ASCII digit."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = str(unicodedata.decimal(char))
    for char, ascii_char in _SEPARATORS.items():
        table[ord(char)] = ascii_char
    return table


_TABLE = _build_table()


def to_ascii_digits(text: str) -> str:
    """Return ``text`` with every decimal digit (٠-٩, ۰-۹, ०-९, full-width, ...) as ASCII 0-9.

    Arabic decimal and thousands separators become "." and ","; all other characters are kept.
    """
    if text.isascii():
        return text
    return text.translate(_TABLE)
