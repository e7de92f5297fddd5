"""Column mappings: which column feeds which report field, plus per-source reading settings.

A mapping is detected from the headers (``detect_mapping``) or read from a TOML file that a
documentation officer can write or edit by hand (``Mapping.load``; ``Mapping.save`` writes one)::

    # uncounted column mapping
    date_order = "dmy"              # dmy, mdy or ymd: how 05/06/1995 is read
    two_digit_year_pivot = 30       # 00-30 are 2000-2030, 31-99 are 1931-1999
    gazetteer = "places.csv"        # optional; relative to this file
    encoding = "cp1252"             # optional; default: detected
    delimiter = ";"                 # optional; default: detected

    [columns]                       # column header = field ("" keeps the column in raw only)
    "S.No" = "record_id"
    "Name of Victim" = "name"
    "Newspaper" = ""

    [vocabulary.violation]          # this source's own words
    "gunshot injuries" = "killing"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from uncounted.errors import ImportFailed
from uncounted.ingest import headers as hdr

VOCABULARY_KINDS = ("violation", "perpetrator", "victim_status", "custody_acknowledged", "certainty", "sex")
DATE_ORDERS = ("dmy", "mdy", "ymd", "auto")


@dataclass
class Mapping:
    """Column header -> field, with how sure the detection was, and reading settings."""

    columns: dict[str, str | None] = field(default_factory=dict)  # None: kept in raw only
    confidence: dict[str, float] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # header, hxl, mapping file
    alternatives: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    two_digit_year_pivot: int | None = None
    gazetteer: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    path: str | None = None  # the file it was read from
    sensitive: list[str] = field(default_factory=list)  # headers stored only encrypted (set by the importer)

    # ---- views ----------------------------------------------------------------------------------
    def field_for(self, header: str) -> str | None:
        return self.columns.get(header)

    def column_for(self, field_name: str) -> str | None:
        for header, mapped in self.columns.items():
            if mapped == field_name:
                return header
        return None

    @property
    def unmapped(self) -> list[str]:
        return [h for h, f in self.columns.items() if not f]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "columns": [
                {"column": h, "field": f, "confidence": self.confidence.get(h, 0.0),
                 "origin": self.origin.get(h, ""), **({"also_possible": self.alternatives[h]}
                                                      if h in self.alternatives else {})}
                for h, f in self.columns.items()
            ],
            "unmapped": self.unmapped,
        }
        for key in ("date_order", "two_digit_year_pivot", "gazetteer", "encoding", "delimiter"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.vocabulary:
            out["vocabulary"] = self.vocabulary
        if self.sensitive:
            out["encrypted_columns"] = list(self.sensitive)
        return out

    # ---- files ----------------------------------------------------------------------------------
    def to_toml(self) -> str:
        body: dict[str, Any] = {}
        for key in ("date_order", "two_digit_year_pivot", "gazetteer", "encoding", "delimiter"):
            if getattr(self, key) is not None:
                body[key] = getattr(self, key)
        body["columns"] = {h: (f or "") for h, f in self.columns.items()}
        if self.vocabulary:
            body["vocabulary"] = self.vocabulary
        fields = ", ".join(hdr.ALL_FIELDS)
        return ("# uncounted column mapping. Each column header = a field, or \"\" to keep the column\n"
                "# only in the raw row. Fields: " + fields + "\n"
                "# Optional: date_order (dmy, mdy, ymd), two_digit_year_pivot, gazetteer, encoding,\n"
                "# delimiter, and [vocabulary.violation] / [vocabulary.perpetrator] / ... tables of\n"
                "# \"word as written\" = \"category\".\n" + tomli_w.dumps(body))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_toml(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Mapping":
        """Read a mapping file; every mistake in it is reported with what to write instead."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError as exc:
            raise ImportFailed(f"Mapping file {path} does not exist. Make one with "
                               "`uncounted import FILE --source NAME --dry-run --save-mapping {path}`.") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ImportFailed(f"Mapping file {path} is not valid TOML ({exc}). Each line should look like "
                               '"Column header" = "field"; put quotes around headers and fields.') from exc
        return cls.from_dict(data, path=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str | None = None) -> "Mapping":
        where = f"Mapping file {path}" if path else "The mapping"
        known = {"columns", "vocabulary", "date_order", "two_digit_year_pivot", "gazetteer", "encoding",
                 "delimiter"}
        extra = sorted(set(data) - known)
        if extra:
            raise ImportFailed(f"{where} has unknown setting(s) {', '.join(map(repr, extra))}; "
                               f"known settings: {', '.join(sorted(known))}.")
        columns_in = data.get("columns", {})
        if not isinstance(columns_in, dict):
            raise ImportFailed(f"{where}: [columns] must be a table of \"header\" = \"field\" lines.")
        columns: dict[str, str | None] = {}
        for header, field_name in columns_in.items():
            if not isinstance(field_name, str):
                raise ImportFailed(f"{where}: column {header!r} = {field_name!r}; expected a field name in "
                                   "quotes, or \"\" to keep the column in raw only.")
            field_name = field_name.strip()
            if field_name and field_name not in hdr.ALL_FIELDS:
                raise ImportFailed(f"{where}: column {header!r} is mapped to {field_name!r}, which is not a "
                                   f"field. Fields: {', '.join(hdr.ALL_FIELDS)}.")
            columns[str(header)] = field_name or None
        taken: dict[str, str] = {}
        for header, field_name in columns.items():
            if field_name and field_name in taken:
                raise ImportFailed(f"{where}: both {taken[field_name]!r} and {header!r} are mapped to "
                                   f"{field_name!r}; a field can come from one column only.")
            if field_name:
                taken[field_name] = header
        order = data.get("date_order")
        if order is not None and order not in DATE_ORDERS:
            raise ImportFailed(f"{where}: date_order = {order!r}; expected one of {', '.join(DATE_ORDERS)}.")
        pivot = data.get("two_digit_year_pivot")
        if pivot is not None and (not isinstance(pivot, int) or not 0 <= pivot <= 99):
            raise ImportFailed(f"{where}: two_digit_year_pivot = {pivot!r}; expected a whole number 0-99.")
        vocabulary = data.get("vocabulary", {})
        if not isinstance(vocabulary, dict) or any(not isinstance(v, dict) for v in vocabulary.values()):
            raise ImportFailed(f"{where}: [vocabulary.violation] etc. must be tables of \"word\" = \"category\".")
        bad_kinds = sorted(set(vocabulary) - set(VOCABULARY_KINDS))
        if bad_kinds:
            raise ImportFailed(f"{where}: unknown vocabulary {', '.join(map(repr, bad_kinds))}; expected "
                               f"{', '.join(VOCABULARY_KINDS)}.")
        gazetteer = data.get("gazetteer")
        if gazetteer and path and not Path(gazetteer).is_absolute():
            gazetteer = str((Path(path).parent / gazetteer).resolve())
        return cls(columns=columns, confidence={h: 1.0 for h in columns},
                   origin={h: "mapping file" for h in columns}, date_order=order, two_digit_year_pivot=pivot,
                   gazetteer=gazetteer, encoding=data.get("encoding"), delimiter=data.get("delimiter"),
                   vocabulary={k: {str(w): str(c) for w, c in v.items()} for k, v in vocabulary.items()},
                   path=path)


def detect_mapping(headers: list[str], hxl_tags: list[str | None] | None = None, *,
                   base: Mapping | None = None) -> Mapping:
    """Map headers to fields by the synonym matcher; with ``base`` (a mapping file) its columns win.

    Columns the base does not name are detected for the fields the base leaves free, and are
    marked as detected so that --dry-run shows they did not come from the file.
    """
    if base is None:
        matches = hdr.match_columns(headers, hxl_tags)
        mapping = Mapping()
    else:
        mapping = Mapping(date_order=base.date_order, two_digit_year_pivot=base.two_digit_year_pivot,
                          gazetteer=base.gazetteer, encoding=base.encoding, delimiter=base.delimiter,
                          vocabulary=base.vocabulary, path=base.path)
        fixed = {h: base.columns[h] for h in headers if h in base.columns}
        free = [h for h in headers if h not in base.columns]
        taken = {f for f in fixed.values() if f}
        detected = {m.column: m for m in hdr.match_columns(free, _tags_for(headers, hxl_tags, free))}
        matches = []
        for h in headers:
            if h in fixed:
                matches.append(hdr.ColumnMatch(h, fixed[h], 1.0, "mapping file"))
            else:
                m = detected[h]
                if m.field in taken:
                    m = hdr.ColumnMatch(h, None, 0.0, "", m.field)
                matches.append(m)
    for m in matches:
        mapping.columns[m.column] = m.field
        mapping.confidence[m.column] = round(m.confidence, 2)
        mapping.origin[m.column] = m.source if m.field else ""
        if m.alternative:
            mapping.alternatives[m.column] = m.alternative
    return mapping


def _tags_for(headers: list[str], tags: list[str | None] | None, subset: list[str]) -> list[str | None] | None:
    if not tags:
        return None
    index = {h: i for i, h in enumerate(headers)}
    return [tags[index[h]] if index[h] < len(tags) else None for h in subset]
