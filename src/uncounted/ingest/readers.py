"""Reading spreadsheets as tables of text: CSV (any delimiter, several encodings), XLSX, JSON Lines.

Every reader gives the same thing: one ``Table`` per sheet, with its header, the row number of the
header as a spreadsheet user counts it, and a lazy stream of ``(row_number, cells)`` so that a
million-row file is never held in memory. Nothing here interprets values; that is ``rows.py``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from uncounted.errors import ImportFailed, ImportProblem
from uncounted.ingest import headers as hdr

# A cell longer than this is not imported: it is almost always an opening quote without its closing
# quote, which swallows the rows below it into one cell.
MAX_CELL_CHARS = 100_000
SNIFF_CHARS = 256 * 1024
HEADER_SEARCH_ROWS = 25
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16 little-endian (no BOM)", "utf-16-be": "UTF-16 big-endian (no BOM)",
                  "cp1252": "Windows-1252", "cp1256": "Windows-1256 (Arabic)"}

csv.field_size_limit(2**31 - 1)  # we check cell sizes ourselves, with a clear message


@dataclass
class Table:
    """One sheet of a file: its header and a one-pass stream of its data rows."""

    file: str
    sheet: str | None
    headers: list[str]  # unique names, used as keys of the raw row
    header_row: int  # 1-based row number of the header line
    rows: Iterator[tuple[int, list[Any]]]  # (row number, cells); cells are str, or JSON values for JSONL
    hxl_tags: list[str | None] | None = None
    original_headers: list[str] = field(default_factory=list)  # as written (may repeat)
    preamble: list[str] = field(default_factory=list)  # title lines above the header
    problems: list[ImportProblem] = field(default_factory=list)  # file-level warnings
    encoding: str | None = None
    delimiter: str | None = None
    format: str = "csv"
    progress: Callable[[], int] | None = None  # bytes consumed so far, for progress bars
    # JSON Lines: where each header's value lies in a line's object ("victim.name" -> ("victim", "name"))
    json_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.file if self.sheet is None else f"{self.file} [sheet {self.sheet!r}]"


def read_table(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None,
               display_name: str | None = None) -> list[Table]:
    """Open a CSV, XLSX or JSON Lines file as tables (one per sheet; CSV and JSONL give one).

    ``display_name`` is the file name used in problems (default: the file's own name).
    Raises ImportFailed with a plain explanation when the file cannot be read as a table.
    """
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise ImportFailed(f"{name}: no such file. Check the path and try again.")
    size = path.stat().st_size
    if size == 0:
        raise ImportFailed(f"{name} is empty (0 bytes): there is nothing to import. "
                           "Check that you chose the right file and that it was saved completely.",
                           [ImportProblem(name, None, None, None, "a file with a header row and data rows")])
    kind = file_format(path, name)
    if kind == "xlsx":
        return _read_xlsx(path, name)
    if kind == "jsonl":
        return [_read_jsonl(path, name, encoding)]
    return [_read_csv(path, name, encoding, delimiter)]


def file_format(path: Path, name: str) -> str:
    """csv, xlsx or jsonl, from the first bytes (a renamed file is still recognised)."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    suffix = Path(name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):  # a zip file: an .xlsx workbook (or not a table at all)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(f"{name} is an old Excel (.xls) or other Office file, which cannot be read "
                           "directly. Open it in Excel or LibreOffice and save it as .xlsx or CSV, then "
                           "import that file.")
    if head.startswith(b"%PDF"):
        raise ImportFailed(f"{name} is a PDF, not a spreadsheet. Export the table as CSV or XLSX first.")
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "csv"


# ---- encodings ---------------------------------------------------------------------------------

def detect_encoding(path: Path, name: str) -> tuple[str, list[ImportProblem]]:
    """The text encoding of a file, and a warning when it had to be inferred from the bytes.

    Order: a byte-order mark decides; UTF-16 without a mark is recognised by its zero bytes; a file
    that is valid UTF-8 from start to end is UTF-8; anything else is read as Windows-1252 with a
    warning (charset-normalizer may prefer Windows-1256 for Arabic-script text, as a tie-breaker).
    """
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", []
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16, [ImportProblem(name, None, None, None,
                                     f"a byte-order mark; the file looks like {ENCODING_NAMES[utf16]} "
                                     "and was read as such", "warning")]
    if b"\x00" in head:
        raise ImportFailed(
            f"{name} contains zero bytes, so it is not a text (CSV) file: it may be a database, an "
            "image or a damaged file. Open it in a spreadsheet program and save it as CSV (UTF-8).",
            [ImportProblem(name, None, None, None, "a text file (CSV, UTF-8)")])
    bad = _first_invalid_utf8(path)
    if bad is None:
        return "utf-8", []
    offset, line = bad
    encoding = _guess_legacy_encoding(path)
    problem = ImportProblem(
        name, line, None, None,
        f"UTF-8 text; the byte at position {offset:,} (line {line}) is not valid UTF-8, so the file was read as "
        f"{ENCODING_NAMES[encoding]}. Check accented and non-Latin letters in the imported rows; if they "
        f"look wrong, save the file as 'CSV UTF-8' or pass --encoding", "warning")
    return encoding, [problem]


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _first_invalid_utf8(path: Path) -> tuple[int, int] | None:
    """(byte offset, line number) of the first byte that is not valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, _line_at(path, offset + exc.start)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset, _line_at(path, offset)
    return None


def _line_at(path: Path, offset: int) -> int:
    """The line number of a byte offset (lines are counted only when a bad byte is found)."""
    lines = 1
    with open(path, "rb") as handle:
        while offset > 0 and (chunk := handle.read(min(1 << 20, offset))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def _guess_legacy_encoding(path: Path) -> str:
    """Windows-1252 unless the bytes cannot be that, or charset-normalizer clearly sees Arabic script."""
    with open(path, "rb") as handle:
        sample = handle.read(1 << 20)
    try:
        sample.decode("cp1252")
        cp1252_ok = True
    except UnicodeDecodeError:
        cp1252_ok = False
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample, cp_isolation=["cp1252", "cp1256"]).best()
        guess = best.encoding if best is not None else None
    except Exception:  # the tie-breaker is optional; never fail the import because of it
        guess = None
    if guess == "cp1256" and (not cp1252_ok or _mostly_arabic(sample.decode("cp1256", "replace"))):
        return "cp1256"
    if not cp1252_ok:
        return "cp1256"  # defines every byte, so nothing is lost; the warning says to check letters
    return "cp1252"


def _mostly_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and ord(c) > 127]
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff")
    return bool(letters) and arabic > 0.5 * len(letters)


def check_encoding_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise ImportFailed(f"Unknown encoding {encoding!r}. Use one such as utf-8, utf-16, cp1252 "
                           "(Windows Western) or cp1256 (Windows Arabic).") from exc


# ---- CSV -----------------------------------------------------------------------------------------

class _CountingReader(io.RawIOBase):
    """A binary file that remembers how many bytes were read (for the progress bar)."""

    def __init__(self, raw: io.BufferedReader):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _open_text(path: Path, encoding: str) -> tuple[io.TextIOWrapper, _CountingReader]:
    counter = _CountingReader(open(path, "rb"))
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 20), encoding=encoding, newline="")
    return text, counter


def _read_csv(path: Path, name: str, encoding: str | None, delimiter: str | None) -> Table:
    problems: list[ImportProblem] = []
    if encoding:
        encoding = check_encoding_name(encoding)
        if encoding == "utf-8":
            encoding = "utf-8-sig"  # a BOM is never part of the first header
    else:
        encoding, problems = detect_encoding(path, name)
    with open(path, encoding=encoding, newline="", errors="strict") as handle:
        try:
            sample = handle.read(SNIFF_CHARS)
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{name} cannot be read as {encoding}: {exc}. Pass another --encoding "
                               "or save the file as CSV UTF-8.") from exc
    if not sample.strip():
        raise ImportFailed(f"{name} has no text in it (only blank lines or spaces): nothing to import.",
                           [ImportProblem(name, None, None, None, "a header row and data rows")])
    if delimiter is None:
        delimiter = sniff_delimiter(sample)
    elif delimiter in ("tab", "\\t"):
        delimiter = "\t"
    head_rows = list(_limited_rows(sample, delimiter, HEADER_SEARCH_ROWS + 5))
    header_index, hxl_index = find_header(head_rows)
    text, counter = _open_text(path, encoding)
    reader = csv.reader(text, delimiter=delimiter)
    preamble: list[str] = []
    header: list[str] = []
    hxl: list[str] | None = None
    row_no = 0
    for row_no, cells in enumerate(reader, start=1):
        if row_no - 1 < header_index:
            if any(c.strip() for c in cells):
                preamble.append(delimiter.join(cells))
            continue
        if row_no - 1 == header_index:
            header = cells
            if hxl_index is None or hxl_index == header_index:
                break
            continue
        if row_no - 1 == hxl_index:
            hxl = cells
            break
    if hxl_index is not None and hxl_index == header_index:
        hxl = header
    table = _make_table(name, None, header, row_no if hxl_index is None else header_index + 1, hxl, preamble,
                        problems)
    table.encoding, table.delimiter, table.format = encoding, delimiter, "csv"
    table.rows = _csv_rows(reader, row_no, text)
    table.progress = lambda: counter.count
    return table


def _csv_rows(reader: Iterator[list[str]], last_header_row: int, text: io.TextIOWrapper
              ) -> Iterator[tuple[int, list[Any]]]:
    try:
        for row_no, cells in enumerate(reader, start=last_header_row + 1):
            yield row_no, cells
    finally:
        text.close()


def _limited_rows(sample: str, delimiter: str, limit: int) -> Iterator[list[str]]:
    # Drop the last, probably cut, line of the sample.
    if len(sample) >= SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        for i, row in enumerate(reader):
            if i >= limit:
                return
            yield row
    except csv.Error:
        return


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's lines into the most consistent number of fields."""
    best, best_score = ",", (-1.0, 0)
    for candidate in DELIMITERS:
        rows = [r for r in _limited_rows(sample, candidate, 200) if any(c.strip() for c in r)]
        if not rows:
            continue
        widths = Counter(len(r) for r in rows[-100:])
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        score = (count / sum(widths.values()), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def find_header(rows: list[list[Any]]) -> tuple[int, int | None]:
    """(index of the header row, index of an HXL hashtag row or None) among the first rows.

    The header is the row whose cells best match known column names; rows above it (titles,
    blank lines) are skipped. With no known name at all, the first row that is as wide as the
    data is the header.
    """
    nonblank = [i for i, r in enumerate(rows) if any(_text(c).strip() for c in r)]
    if not nonblank:
        return 0, None
    hxl_rows = [i for i in nonblank[:HEADER_SEARCH_ROWS] if hdr.is_hxl_row([_text(c) for c in rows[i]])]
    if hxl_rows:
        h = hxl_rows[0]
        above = [i for i in nonblank if i < h]
        if above and above[-1] == h - 1 and hdr.header_score([_text(c) for c in rows[h - 1]]) > 0:
            return h - 1, h
        if above and above[-1] == h - 1 and _filled(rows[h - 1]) >= 0.5 * _filled(rows[h]):
            return h - 1, h
        return h, h
    widths = Counter(_filled(rows[i]) for i in nonblank)
    data_width = max(widths, key=lambda w: (widths[w], w))
    best_i, best_score = None, 0.0
    for i in nonblank[:HEADER_SEARCH_ROWS]:
        cells = [_text(c) for c in rows[i]]
        if _filled(rows[i]) < 2 and data_width >= 2:
            continue
        score = hdr.header_score(cells)
        if score > best_score + 1e-9:
            best_i, best_score = i, score
    if best_i is not None and best_score >= 1.0:
        return best_i, None
    for i in nonblank:
        if _filled(rows[i]) >= max(1, 0.6 * data_width):
            return i, None
    return nonblank[0], None


def _filled(row: list[Any]) -> int:
    return sum(1 for c in row if _text(c).strip())


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else cell_text(value)


def _make_table(name: str, sheet: str | None, header: list[Any], header_row: int, hxl: list[Any] | None,
                preamble: list[str], problems: list[ImportProblem]) -> Table:
    original = [_text(h).strip() for h in header]
    tags: list[str | None] | None = None
    if hxl is not None:
        tags = [(_text(t).strip() or None) for t in hxl]
        tags += [None] * (len(original) - len(tags))
        if hxl is header:  # hashtags only, no human header
            original = [t or "" for t in tags]
    unique, duplicated = unique_headers(original)
    label = name if sheet is None else f"{name} [sheet {sheet!r}]"
    for dup, columns in duplicated.items():
        letters = ", ".join(column_letter(c) for c in columns)
        problems.append(ImportProblem(
            label, header_row, dup, dup,
            f"each column name to appear once; {dup!r} heads columns {letters}. Their values are kept "
            f"as {', '.join(repr(unique[c]) for c in columns)}", "warning"))
    return Table(file=name, sheet=sheet, headers=unique, header_row=header_row, rows=iter(()),
                 hxl_tags=tags, original_headers=original, preamble=preamble, problems=list(problems))


def unique_headers(headers: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """Header names made unique ("Name", "Name (2)"); blank ones named by column letter."""
    seen: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        if h:
            seen.setdefault(h.casefold(), []).append(i)
    out: list[str] = []
    used: set[str] = set()
    for i, h in enumerate(headers):
        if not h:
            name = f"column {column_letter(i)}"
        elif len(seen[h.casefold()]) > 1 and seen[h.casefold()][0] != i:
            name = f"{h} ({seen[h.casefold()].index(i) + 1})"
        else:
            name = h
        while name.casefold() in used:
            name += "'"
        used.add(name.casefold())
        out.append(name)
    duplicated = {headers[idx[0]]: idx for idx in seen.values() if len(idx) > 1}
    return out, duplicated


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as spreadsheets name columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---- XLSX ----------------------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as ISO (unambiguous), whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, name: str) -> list[Table]:
    try:
        import openpyxl

        # A file object: the stored copy has no .xlsx suffix, and openpyxl judges by the suffix.
        book = openpyxl.load_workbook(open(path, "rb"), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFailed(f"{name} looks like an Excel file but cannot be opened ({exc}). Open it in "
                           "Excel or LibreOffice, save it again as .xlsx, or export it as CSV.") from exc
    tables = []
    for sheet in book.worksheets:
        head = []
        for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS + 5, values_only=True):
            head.append([cell_text(v) for v in values])
        if not any(any(c.strip() for c in r) for r in head):
            continue  # an empty sheet
        header_index, hxl_index = find_header(head)
        preamble = ["\t".join(c for c in r if c) for r in head[:header_index] if any(c.strip() for c in r)]
        hxl = head[hxl_index] if hxl_index is not None else None
        header = head[header_index]
        if hxl_index == header_index:
            hxl = header
        last = max(header_index, hxl_index or 0)
        table = _make_table(name, sheet.title, header, header_index + 1, hxl, preamble, [])
        table.format = "xlsx"
        table.rows = _xlsx_rows(sheet, last + 2)
        tables.append(table)
    if not tables:
        raise ImportFailed(f"{name}: every sheet is empty; nothing to import.",
                           [ImportProblem(name, None, None, None, "a sheet with a header row and data rows")])
    return tables


def _xlsx_rows(sheet: Any, first_row: int) -> Iterator[tuple[int, list[Any]]]:
    for row_no, values in enumerate(sheet.iter_rows(min_row=first_row, values_only=True), start=first_row):
        yield row_no, [cell_text(v) for v in values]


# ---- JSON Lines ------------------------------------------------------------------------------------

@dataclass
class BadLine:
    """A JSON Lines line that is not a JSON object (kept so that its problem can be reported)."""

    text: str
    reason: str


def _read_jsonl(path: Path, name: str, encoding: str | None) -> Table:
    problems: list[ImportProblem] = []
    if encoding:
        encoding = check_encoding_name(encoding)
    else:
        encoding, problems = detect_encoding(path, name)
    keys: dict[str, tuple[str, ...]] = {}
    array = _starts_an_array(path, encoding)
    if array:  # a JSON file holding one array of objects: [{...}, {...}]
        text, _ = _open_text(path, encoding)
        first = [row[0] for _, (_line, row) in zip(range(1000), _json_array_rows(text, name))]
        text.close()
    else:
        with open(path, encoding=encoding) as handle:
            first = [_json_object(line) for _, line in zip(range(1000), handle)]
    for obj in first:
        if isinstance(obj, dict):
            for json_path in _leaf_paths(obj):
                keys.setdefault(".".join(json_path), json_path)
    if not keys:
        raise ImportFailed(f"{name} has no JSON objects in its first 1,000 lines. A JSON Lines file has "
                           'one object per line, like {"name": "...", "date": "..."}.',
                           [ImportProblem(name, None, None, None, "one JSON object per line")])
    headers = list(keys)
    table = Table(file=name, sheet=None, headers=headers, header_row=0, rows=iter(()),
                  original_headers=headers, problems=problems, encoding=encoding, format="jsonl",
                  json_paths=keys)
    text, counter = _open_text(path, encoding)
    table.rows = _json_array_rows(text, name) if array else _jsonl_rows(text)
    table.progress = lambda: counter.count
    return table


MAX_JSON_OBJECT_CHARS = 16 << 20


def _starts_an_array(path: Path, encoding: str) -> bool:
    """True when the file's first character (after a byte-order mark and spaces) opens a JSON array."""
    with open(path, encoding=encoding) as handle:
        head = handle.read(4096).lstrip("\ufeff \t\r\n")
    return head.startswith("[")


def _json_array_rows(text: io.TextIOWrapper, name: str) -> Iterator[tuple[int, list[Any]]]:
    """The objects of a file holding one JSON array, read a megabyte at a time (not loaded whole),
    as (the line where the object starts, [object]). Text that is not JSON fails the import, with
    its line: where the next object starts cannot be known after it."""
    decoder = json.JSONDecoder()
    buffer, pos, line = "", 0, 1

    def more() -> bool:
        nonlocal buffer, pos
        chunk = text.read(1 << 20)
        buffer, pos = buffer[pos:] + chunk, 0
        return bool(chunk)

    try:
        more()
        start = buffer.find("[")
        line += buffer.count("\n", 0, start)
        pos = start + 1
        while True:
            while True:  # spaces and the comma between two objects
                stripped = len(buffer) - len(buffer[pos:].lstrip(" \t\r\n,"))
                line += buffer.count("\n", pos, stripped)
                pos = stripped
                if pos < len(buffer) or not more():
                    break
            if pos >= len(buffer):
                raise ImportFailed(f"{name}: the JSON array is not closed with ']' at its end (line {line}).")
            if buffer[pos] == "]":
                return
            while True:
                try:
                    obj, end = decoder.raw_decode(buffer, pos)
                    break
                except json.JSONDecodeError as exc:
                    # The object may go on in the next megabyte (an error then only says the text was cut);
                    # an object of more than MAX_JSON_OBJECT_CHARS is no row of a list.
                    if len(buffer) - pos < MAX_JSON_OBJECT_CHARS and more():
                        continue
                    bad_line = line + buffer.count("\n", pos, exc.pos)
                    raise ImportFailed(f"{name}: not valid JSON at line {bad_line} ({exc.msg}); the file holds one "
                                       "JSON array, and nothing after this point can be read. Fix the file and "
                                       "import it again.") from None
            yield line, [obj if isinstance(obj, dict) else BadLine(buffer[pos:end][:300],
                                                                  "a JSON object ({...}) in each place of the array")]
            line += buffer.count("\n", pos, end)
            pos = end
    finally:
        text.close()


JSON_NESTING = 3  # levels of objects within objects read as columns ("victim.name"); deeper ones stay JSON text


def _leaf_paths(obj: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The paths to the values of an object, an object inside it read as columns of its own:
    {"victim": {"name": ...}} has the column "victim.name" (lists and deeper objects are values)."""
    for key, value in obj.items():
        json_path = (*prefix, str(key))
        if isinstance(value, dict) and value and len(json_path) < JSON_NESTING:
            yield from _leaf_paths(value, json_path)
        else:
            yield json_path


def json_value(obj: dict[str, Any], json_path: tuple[str, ...]) -> Any:
    """The value at ``json_path`` in a line's object, or None when it is not there."""
    value: Any = obj
    for key in json_path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _json_object(line: str) -> Any:
    line = line.strip()
    if not line:
        return None
    try:
        return json.loads(line)
    except ValueError as exc:
        return BadLine(line, f"valid JSON ({exc.msg} at character {exc.pos + 1})")


def _jsonl_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, list[Any]]]:
    """JSON Lines rows as (line number, [object]); the row builder reads keys itself."""
    try:
        for line_no, line in enumerate(text, start=1):
            obj = _json_object(line)
            if obj is None:
                continue
            if not isinstance(obj, (dict, BadLine)):
                obj = BadLine(line.strip(), "a JSON object ({...}) on each line")
            yield line_no, [obj]
    finally:
        text.close()


WHITESPACE = re.compile(r"\s+")
