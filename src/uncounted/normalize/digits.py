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


# Invisible marks that text copied from web pages, word processors or messages carries around
# numbers (direction marks around a date in Urdu text, a zero-width space, a byte-order mark in a
# cell): they never mean anything in a date or an age. (The zero-width joiners, which shape Urdu
# and Persian words, are kept.)
_INVISIBLE = (0x00AD, 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), 0x2060, *range(0x2066, 0x206A), 0xFEFF)


def _build_table() -> dict[int, str | None]:
    """Map every Unicode decimal digit of the Basic Multilingual Plane to its ASCII digit, and
    the invisible marks to nothing."""
    table: dict[int, str | None] = {code: None for code in _INVISIBLE}
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

    Arabic decimal and thousands separators become "." and ","; invisible marks (direction marks,
    zero-width spaces, a byte-order mark, soft hyphens) are left out; all other characters are kept.
    """
    if text.isascii():
        return text
    return text.translate(_TABLE)
