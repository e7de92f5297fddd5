"""From one spreadsheet row to one report: structural checks, then every field normalised.

The rule everywhere: never guess silently, never lose data.

- *Errors* reject the row (it goes to the rejects CSV with its reasons): the row cannot be read
  reliably (more values than columns, a cell of over 100,000 characters, a line that is not a JSON
  object), or it would clash with another row (a record id used twice in one sheet), or it counts
  several people in one row (HXL aggregate columns).
- *Warnings* keep the row: a value that cannot be normalised (a date, an age, a sex, a violation or
  perpetrator word, a place not in the gazetteer, a status word) is kept exactly as written in the
  ``*_raw`` column and in ``raw``; the normalised field stays empty; the warning is stored with the
  report (``problems``).
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from uncounted.errors import ImportProblem
from uncounted.ingest.headers import field_scores, header_tokens
from uncounted.ingest.normal import Normalisers
from uncounted.ingest.readers import MAX_CELL_CHARS, BadLine, Table, column_letter, json_value
from uncounted.ingest.sensitive import REDACTED
from uncounted.ingest.store import MAX_LENGTHS, VALUE_COLUMNS
from uncounted.normalize.digits import to_ascii_digits

V = {name: i for i, name in enumerate(VALUE_COLUMNS)}
N_VALUES = len(VALUE_COLUMNS)
TRUE_WORDS = frozenset({"1", "yes", "y", "x", "true", "t", "✓", "✔", "haan", "ha", "جی", "ہاں"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "f", "", "-", "nahi", "نہیں"})
# Field -> the report column that keeps its text as written (length-checked like the others).
TEXT_FIELDS = ("community", "occupation", "residence", "notes")


@dataclass
class BuiltRow:
    row_number: int
    record_id: str | None
    values: list[Any] | None  # VALUE_COLUMNS order; None when the row is rejected
    raw: dict[str, Any]
    problems: list[ImportProblem]
    rejected: bool
    cells: list[Any]  # as read, for the rejects CSV
    secret: dict[str, Any] = field(default_factory=dict)  # sensitive cells by header: encrypted, never plain


class RowBuilder:
    """Builds report values for the rows of one table, with one mapping and one set of normalisers."""

    def __init__(self, table: Table, columns: dict[str, str | None], norm: Normalisers,
                 sensitive: Iterable[str] = ()):
        self.table = table
        self.label = table.label
        self.headers = table.headers
        self.n_headers = len(table.headers)
        self.norm = norm
        # Sensitive columns feed no plain field: their cells go into BuiltRow.secret only.
        self.sensitive = frozenset(sensitive)
        self.secret_index = tuple((h, i) for i, h in enumerate(self.headers) if h in self.sensitive)
        self.index: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            field_name = columns.get(header)
            if field_name and header not in self.sensitive:
                self.index[field_name] = i
        self.col = {f: self.headers[i] for f, i in self.index.items()}
        self.unnamed = {i for i, h in enumerate(table.headers) if h.startswith("column ")
                        and not table.original_headers[i:i + 1] == [h]}
        self.father_relation = _relation_from_header(self.col.get("father_name"))
        self.violation = norm.violation_for(self.col.get("violation"))
        self._sex_notes: dict[tuple[str, str, str], str] = {}
        self.indicators = [(f.split(":", 1)[1], i) for f, i in self.index.items() if f.startswith("indicator:")]
        self.is_jsonl = table.format == "jsonl"
        self.json_paths = table.json_paths
        custody = norm.custody_from(self.col.get("custody_acknowledged"))
        self.vocab_fields = (
            ("victim_status", norm.victim_status, "a victim status such as dead, missing, released, found dead"),
            ("custody_acknowledged", custody, "acknowledged, denied or unknown (or yes / no)"),
            ("certainty", norm.certainty, "confirmed, likely, possible or unknown (or high / medium / low)"),
        )
        self.fields = tuple((f, i, MAX_LENGTHS.get(FIELD_COLUMN.get(f, ""), 0)) for f, i in self.index.items()
                            if not f.startswith("indicator:"))
        self.date_parts = frozenset(DATE_PART_FIELDS.intersection(self.index))
        self.name_parts = bool(NAME_PART_FIELDS.intersection(self.index))
        if self.name_parts and "name" not in self.col:  # problems of the joined name name its first part's column
            self.col["name"] = self.col.get("given_name") or self.col["family_name"]
        name_i = self.index.get("name")
        self.name_header = table.original_headers[name_i].strip() if name_i is not None and \
            name_i < len(table.original_headers) else ""
        self.name_header_length = len(self.name_header) or -1
        # JSON Lines: keys that read as the victims' names ("victims", "names", "killed"): a list of
        # several there is several people in one line.
        self.people_lists = tuple(h for h in self.headers if self.is_jsonl and h not in self.sensitive
                                  and (scores := field_scores(h.rsplit(".", 1)[-1])) and scores[0][0] == "name")

    # ---- the row -------------------------------------------------------------------------------
    def build(self, row_number: int, cells: list[Any], checked: bool = False) -> BuiltRow:
        """The row's report values and problems. ``checked``: the caller made sure the row has one
        cell per column and none longer than MAX_CELL_CHARS (``rows_checked``), so that is not
        checked again."""
        built = self._build(row_number, cells, checked)
        if self.sensitive:
            self._take_secrets(built)
        return built

    def _take_secrets(self, built: BuiltRow) -> None:
        """Move the sensitive cells out of ``raw`` into ``secret``; hide them in the problems too.

        When a row's structure is broken (more values than columns, an unclosed quote), values may
        have shifted out of a sensitive column into others, so every value its problems quote is hidden.
        """
        raw = built.raw
        if self.is_jsonl:
            raw = built.raw = dict(raw)
            if "_line" in raw:  # an unreadable line: it may hold anything
                raw["_line"] = REDACTED
        secret = built.secret
        paths = self.json_paths
        for header, _i in self.secret_index:
            value = _pop_json(raw, paths[header]) if header in paths else raw.pop(header, None)
            if value is not None and (not isinstance(value, str) or value.strip()):
                secret[header] = value
        if built.problems:
            broken = built.rejected or any(p.column is None or p.column not in self.col.values()
                                           for p in built.problems)
            built.problems = [replace(p, value=REDACTED) if p.value is not None and (
                broken or p.column in self.sensitive) else p for p in built.problems]

    def _build(self, row_number: int, cells: list[Any], checked: bool = False) -> BuiltRow:
        problems: list[ImportProblem] = []
        if self.is_jsonl:
            obj = cells[0]
            cells, raw, bad = self._jsonl_cells(row_number, obj, problems)
            if bad:
                return BuiltRow(row_number, None, None, raw, problems, True, cells)
            if self.people_lists:
                self._lists_of_people(obj, row_number, problems)
        else:
            raw = dict(zip(self.headers, cells))
            if not checked and (len(cells) != self.n_headers or max(map(len, cells), default=0) > MAX_CELL_CHARS):
                raw = self._raw(cells)
                if self._structure_errors(row_number, cells, problems):
                    return BuiltRow(row_number, self._text(cells, "record_id"), None, raw, problems, True, cells)
            elif self.unnamed:
                raw = self._raw(cells)
        vals = self._texts(cells, row_number, problems)
        if self.name_parts:
            self._join_name_parts(vals, row_number, problems)
        name = vals.get("name")
        if name is not None and len(name) == self.name_header_length and \
                name.casefold() == self.name_header.casefold() and self._repeated_header(cells, row_number, problems):
            return BuiltRow(row_number, vals.get("record_id"), None, raw, problems, True, cells)
        if (name is None or name[:2] in _TOTAL_STARTS) and \
                self._totals_row(name, cells, row_number, problems):
            return BuiltRow(row_number, vals.get("record_id"), None, raw, problems, True, cells)
        if len(vals) <= len(_NO_PERSON_FIELDS) and not vals.keys() - _NO_PERSON_FIELDS and \
                self._describes_no_one(vals, cells, row_number, problems):
            return BuiltRow(row_number, vals.get("record_id"), None, raw, problems, True, cells)
        name_age = None
        if name is not None:
            if ("," in name or "&" in name or "nd " in name or "ND " in name) and \
                    (people := self.norm.people_named(name)) > 1:
                self._warn(problems, row_number, "name", name,
                           f"one person per row; this name cell names {people} people. uncounted records one "
                           "report per person: split the row into one row per person", "error")
            elif (name[-1:] in _AGE_ENDINGS or name[-3:] in _AGE_UNIT_ENDINGS) and \
                    (split := self.norm.name_and_age(name)) is not None:
                vals["name"], name_age = split  # "Saleem Akhtar, 25": the name's parts from "Saleem Akhtar"
        values: list[Any] = [None] * N_VALUES
        record_id = vals.get("record_id")
        values[SOURCE_RECORD_ID] = record_id
        name_sex = self._name(vals, values)
        if name_age is not None:
            values[NAME_RAW] = name
        if "sex" in vals:
            self._sex(vals["sex"], values, row_number, problems)
        age_text, age_field = vals.get("age"), "age"
        sex_written = "sex" in vals
        if "age_sex" in vals:
            combined_age, sex_written = self._age_sex(vals["age_sex"], values, row_number, problems, sex_written)
            if age_text is None and combined_age is not None:
                age_text, age_field = combined_age, "age_sex"
        if age_text is None and name_age is not None and "birth_year" not in vals:
            age_text, age_field = name_age, "name"
        if name_sex is not None and not sex_written:
            self._sex_from_name(name_sex, vals, values, row_number, problems)
        date_text, date_field = vals.get("event_date"), "event_date"
        place_text, place_field = vals.get("event_place"), "event_place"
        if "date_place" in vals:  # "14-06-1995, Nazimabad": each part where its own column would be
            split_date, split_place = self.norm.date_place(vals["date_place"])
            if date_text is None and split_date is not None:
                date_text, date_field = split_date, "date_place"
            if place_text is None and split_place is not None:
                place_text, place_field = split_place, "date_place"
        parse_as = None
        if date_text is None and self.date_parts and not self.date_parts.isdisjoint(vals):
            date_text, parse_as, date_field = self._date_from_parts(vals, row_number, problems)
        date = self._event_date(date_text, values, row_number, problems, date_field, parse_as)
        if age_text is not None or "birth_year" in vals:
            self._birth_years(age_text, age_field, vals.get("birth_year"), values, date, row_number, problems)
        for field_name, column in TEXT_COLUMNS:
            text = vals.get(field_name)
            if text is not None:
                values[column] = text
        if place_text is not None or "district" in vals:
            self._place(place_text, vals.get("district"), values, row_number, problems, place_field)
        if "violation" in vals or self.indicators:
            self._violation(vals.get("violation"), cells, values, row_number, problems)
        if "perpetrator" in vals:
            self._perpetrator(vals["perpetrator"], values, row_number, problems)
        if "people_count" in vals:
            self._people_count(vals["people_count"], row_number, problems)
        for field_name, classify, expected in self.vocab_fields:
            text = vals.get(field_name)
            if text is not None:
                category = classify(text)
                if category is None:
                    if field_name == "victim_status" and self._status_as_violation(text, values, row_number, problems):
                        continue
                    self._warn(problems, row_number, field_name, text,
                               f"{expected}; add this source's word under [vocabulary.{field_name}] in a mapping file")
                else:
                    values[V[field_name]] = category
        rejected = False
        for problem in problems:
            if problem.severity == "error":
                rejected = True
                break
        return BuiltRow(row_number, record_id, None if rejected else values, raw, problems, rejected, cells)

    def _texts(self, cells: list[Any], row: int, problems: list[ImportProblem]) -> dict[str, str]:
        """The mapped cells, stripped, empty ones left out; over-long ones warned about and left out."""
        vals: dict[str, str] = {}
        n = len(cells)
        for field_name, i, limit in self.fields:
            if i >= n:
                continue
            text = cells[i].strip()
            if not text:
                continue
            if limit and len(text) > limit:
                self._warn(problems, row, field_name, text,
                           f"at most {limit} characters for {FIELD_LABEL.get(field_name, field_name)}; the value "
                           "is kept whole in the raw row only")
                continue
            vals[field_name] = text
        return vals

    def _text(self, cells: list[Any], field_name: str) -> str | None:
        i = self.index.get(field_name)
        if i is None or i >= len(cells) or not isinstance(cells[i], str):
            return None
        return cells[i].strip() or None

    def _join_name_parts(self, vals: dict[str, str], row: int, problems: list[ImportProblem]) -> None:
        """A name written in columns of its own ("First Name", "Last Name"; "Name" and "Surname"):
        one name, given names first, a part already inside the name not repeated. The raw row keeps
        each cell as written."""
        given, family = vals.pop("given_name", None), vals.pop("family_name", None)
        name = vals.get("name")
        parts = [given if given and not (name and given.casefold() in name.casefold()) else None, name,
                 family if family and not (name and family.casefold() in name.casefold()) else None]
        joined = " ".join(part for part in parts if part)
        if not joined:
            return
        if len(joined) > MAX_NAME_CHARS:
            self._warn(problems, row, "family_name" if family else "given_name", joined,
                       f"a name of at most {MAX_NAME_CHARS} characters; it is kept whole in the raw row only")
            return
        vals["name"] = joined

    def _totals_row(self, name: str | None, cells: list[Any], row: int, problems: list[ImportProblem]) -> bool:
        """A row that sums up the rows above ("Total", "Grand total: 45") is no person: an error
        that leaves it out (into the rejects file, with the reason)."""
        if name is not None and _TOTALS.match(name):
            column, said = self.col.get("name"), name
        else:
            said = next((c.strip() for c in cells if isinstance(c, str) and c.strip()), "")
            if not _TOTALS.match(said):
                return False
            column = self._column_of(cells, said)
        problems.append(ImportProblem(
            self.label, row, column, said,
            "one person per row; this row looks like a total of the rows above it, so it was left out. If it "
            "is a person, write the name in the name column"))
        return True

    def _repeated_header(self, cells: list[Any], row: int, problems: list[ImportProblem]) -> bool:
        """A row that repeats the header (a list put together page by page, each page with its
        header) is no person: an error that leaves it out."""
        header = self.table.original_headers
        filled = [(cell.strip(), header[i].strip() if i < len(header) else None) for i, cell in enumerate(cells)
                  if isinstance(cell, str) and cell.strip()]
        same = sum(cell.casefold() == (written or "").casefold() for cell, written in filled)
        if same < max(2, len(filled) / 2):
            return False
        problems.append(ImportProblem(
            self.label, row, self.col.get("name"), self.name_header,
            "a person; this row repeats the header (a list put together page by page?), so it was left out"))
        return True

    def _describes_no_one(self, vals: dict[str, str], cells: list[Any], row: int,
                          problems: list[ImportProblem]) -> bool:
        """A row with nothing but a record id, a note or a count ("8", "Source: press reports", a footnote
        in an unmapped column) says nothing of a person: an error that leaves it out, with the reason.
        A yes in a tick-box column is something (a violation)."""
        for _category, i in self.indicators:
            if i < len(cells) and isinstance(cells[i], str) and cells[i].strip().casefold() in TRUE_WORDS:
                return False
        filled = [(self._column_name(i), c.strip()) for i, c in enumerate(cells) if isinstance(c, str) and c.strip()]
        if not filled:
            return False  # (a blank row; the caller leaves those out before)
        column, value = filled[0]
        problems.append(ImportProblem(
            self.label, row, column, value,
            "a person: a name or some detail of the event (a date, a place, what happened); this row has only "
            f"{', '.join(repr(h) for h, _ in filled)}, so it was left out (a note, a title or an empty numbered "
            "line?)"))
        return True

    def _column_name(self, i: int) -> str:
        """The header of the i-th cell, or "column K" for a cell beyond the header."""
        return self.headers[i] if i < self.n_headers else f"column {column_letter(i)}"

    def _column_of(self, cells: list[Any], value: str) -> str | None:
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and cell.strip() == value:
                return self._column_name(i)
        return None

    def _raw(self, cells: list[Any]) -> dict[str, Any]:
        raw = dict(zip(self.headers, cells))
        if len(cells) > self.n_headers:
            for j, extra in enumerate(cells[self.n_headers:], start=1):
                if extra.strip():
                    raw[f"_extra_{j}"] = extra
        if self.unnamed:
            for i in self.unnamed:
                if i < len(cells) and not cells[i].strip():
                    raw.pop(self.headers[i], None)
        return raw

    def _lists_of_people(self, obj: Any, row: int, problems: list[ImportProblem]) -> None:
        """An error for a line that lists several people under a key that names victims
        ({"victims": [{"name": "Asif"}, {"name": "Rehan"}]}): one report per person."""
        for header in self.people_lists:
            value = json_value(obj, self.json_paths.get(header, (header,)))
            people = [v for v in value if v not in (None, "", {})] if isinstance(value, list) else []
            if len(people) > 1:
                problems.append(ImportProblem(
                    self.label, row, header, json.dumps(value, ensure_ascii=False)[:200],
                    f"one person per line; {header!r} lists {len(people)} people. uncounted records one report per "
                    "person: write one line per person"))
                return

    def _jsonl_cells(self, row_number: int, obj: Any, problems: list[ImportProblem]
                     ) -> tuple[list[Any], dict[str, Any], bool]:
        if isinstance(obj, BadLine):
            problems.append(ImportProblem(self.label, row_number, None, obj.text, obj.reason))
            return [obj.text], {"_line": obj.text}, True
        cells = []
        paths = self.json_paths
        for header in self.headers:
            value = json_value(obj, paths.get(header, (header,)))
            if value is None:
                cells.append("")
            elif isinstance(value, (dict, list)):
                cells.append(json.dumps(value, ensure_ascii=False))
            else:
                cells.append(value if isinstance(value, str) else str(value))
        return cells, obj, False

    def _structure_errors(self, row_number: int, cells: list[str], problems: list[ImportProblem]) -> bool:
        n = len(cells)
        if n > self.n_headers:
            extra = [c for c in cells[self.n_headers:] if c.strip()]
            if extra:
                problems.append(ImportProblem(
                    self.label, row_number, f"column {column_letter(self.n_headers)}", extra[0],
                    f"at most {self.n_headers} values (one per column of the header); this row has {n}. "
                    "A value probably contains the delimiter without quotes around it: fix the row in the "
                    "file and import it again"))
        elif n < self.n_headers and any("\n" in c for c in cells):
            cell = next(c for c in cells if "\n" in c)
            column = self.headers[cells.index(cell)]
            problems.append(ImportProblem(
                self.label, row_number, column, cell,
                f"{self.n_headers} values, one per column; this row has {n} and a value spans several lines, so a "
                "quote (\") was probably opened and never closed, swallowing the rows below into one cell. Close "
                "the quote in the file and import it again"))
        elif n < self.n_headers and any(c.strip() for c in cells):
            problems.append(ImportProblem(
                self.label, row_number, None, None,
                f"{self.n_headers} values, one per column; this row has {n}, so the last "
                f"{self.n_headers - n} were read as empty. If the row was split over two lines, join it",
                "warning"))
        for i, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                header = self._column_name(i)
                lines = cell.count("\n")
                hint = (f"; it spans {lines:,} lines, so a quote (\") was probably opened and never closed "
                        "and the rows below were swallowed into this cell") if lines > 1 else ""
                problems.append(ImportProblem(
                    self.label, row_number, header, cell,
                    f"a cell of at most {MAX_CELL_CHARS:,} characters; this one has {len(cell):,}{hint}"))
        return any(p.severity == "error" for p in problems)

    # ---- fields --------------------------------------------------------------------------------
    def _warn(self, problems: list[ImportProblem], row: int, field_name: str, value: str | None,
              expected: str, severity: str = "warning") -> None:
        problems.append(ImportProblem(self.label, row, self.col.get(field_name), value, expected, severity))

    def _name(self, vals: dict[str, str], values: list[Any]) -> tuple[str, str, str] | None:
        """Name parts and the father's name; returns (sex, the words saying it, column) when the
        written name (or a relation leading the father's cell, "W/O ASLAM") tells the sex."""
        name = vals.get("name")
        said = None
        if name is not None:
            values[NAME_RAW] = name
            parsed, sex, evidence = self.norm.name_and_sex(name)
            if parsed is not None and len(name) <= 200:  # longer: parts might not fit; raw keeps it whole
                values[NAME_HONORIFIC:NAME_KEY + 1] = parsed
            if sex is not None:
                said = (sex, evidence, "name")
        father = vals.get("father_name")
        if father is not None:
            relation, father_name = self.norm.relative(father)
            values[FATHER_NAME] = father_name
            if relation is not None:  # "W/O ASLAM": the cell says how the person is related
                values[RELATION] = relation
                sex = RELATION_SEX.get(relation)
                if sex is not None:
                    said = None if said is not None and said[0] != sex else (sex, relation.replace("_", " "),
                                                                              "father_name")
            elif values[RELATION] is None:
                values[RELATION] = self.father_relation
        return said

    def _sex_from_name(self, said: tuple[str, str, str], vals: dict[str, str], values: list[Any], row: int,
                       problems: list[ImportProblem]) -> None:
        """No sex was written: the one the name states ("d/o", "Mst.", "Unknown male"), with a note."""
        sex, evidence, field_name = said
        values[SEX] = sex
        note = self._sex_notes.get(said)
        if note is None:
            where = "name" if field_name == "name" else "father's name"
            note = self._sex_notes[said] = f"a sex; none given, so {sex} (inferred from the {where})"
        # the value is the words that said it ("Mst.", "daughter of"), so that the notes group well
        problems.append(ImportProblem(self.label, row, self.col.get(field_name), evidence, note, "info"))

    def _age_sex(self, text: str, values: list[Any], row: int, problems: list[ImportProblem],
                 sex_written: bool) -> tuple[str | None, bool]:
        """Age and sex from one cell ("32/M", "F-40"); the sex is set unless a sex column gave one.
        Returns the age as written (or None), and whether a sex was written in this row."""
        age_text, sex, problem = self.norm.age_sex(text)
        if problem is not None:
            self._warn(problems, row, "age_sex", text, problem)
        if sex is not None and values[SEX] is None:
            values[SEX] = sex
        return age_text, sex_written or sex is not None or problem is not None

    def _status_as_violation(self, text: str, values: list[Any], row: int, problems: list[ImportProblem]) -> bool:
        """A status column holding a violation word ("ABDUCTED", "PICKED UP"): when the report has no
        violation yet, the word is read as its violation, with a note. False if it is no violation word."""
        if values[VIOLATION] is not None:
            return False
        category = self.norm.violation(text)
        if category is None or category == "other":
            return False
        values[VIOLATION] = category
        if values[VIOLATION_RAW] is None:
            values[VIOLATION_RAW] = text
        self._warn(problems, row, "victim_status", text,
                   f"a victim status such as dead, missing, released, found dead; {text!r} names a violation, "
                   f"so it was read as this report's violation ({category.replace('_', ' ')}), which was not given "
                   "otherwise", "info")
        return True

    def _sex(self, text: str, values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        sex = self.norm.sex(text)
        if sex is None:
            self._warn(problems, row, "sex", text, "a sex such as male, female, M, F (the value is kept as written "
                       "in the raw row)")
        else:
            values[V["sex"]] = sex

    def _event_date(self, text: str | None, values: list[Any], row: int, problems: list[ImportProblem],
                    field_name: str = "event_date", parse_as: str | None = None) -> Any:
        """The event date as written (``text``) and read (from ``parse_as`` when given, else ``text``)."""
        if text is None:
            return None
        values[EVENT_DATE_RAW] = text
        result = self.norm.date(parse_as if parse_as is not None else text)
        if result is None:  # "unknown", "-", "n/a": stated as not known
            values[EVENT_DATE_RAW + 3] = "unknown"
            return None
        if isinstance(result, str):
            self._warn(problems, row, field_name, text, result)
            return None
        values[EVENT_DATE_RAW + 1:EVENT_DATE_RAW + 4] = result
        return result

    def _date_from_parts(self, vals: dict[str, str], row: int, problems: list[ImportProblem]
                         ) -> tuple[str | None, str | None, str]:
        """(date as written, date to read, field) from day, month and year columns: "14 7 1995" is read
        as "14 July 1995" (a month number becomes its name, so the date order cannot matter)."""
        day, month, year = vals.get("event_day"), vals.get("event_month"), vals.get("event_year")
        written = " ".join(part for part in (day, month, year) if part is not None)
        if len(written) > MAX_LENGTHS["event_date_raw"]:
            self._warn(problems, row, "event_year", written,
                       f"a date of at most {MAX_LENGTHS['event_date_raw']} characters; it is kept whole in the raw "
                       "row only")
            return None, None, "event_year"
        if year is None:
            self._warn(problems, row, "event_year", None,
                       f"a year for the event's date; the row gives only {written!r}, which is kept as written in the "
                       "raw row")
            return None, None, "event_year"
        if month is not None and month.isdigit():
            if not 1 <= int(month) <= 12:
                self._warn(problems, row, "event_month", month,
                           "a month, 1-12 or its name; the event's date is read from the year alone")
                month = None
            else:
                month = calendar.month_name[int(month)]
        parts = (day, month, year) if month is not None else (year,)  # a day without its month says nothing
        return written, " ".join(part for part in parts if part is not None), "event_year"

    def _birth_years(self, age_text: str | None, age_field: str, born_text: str | None, values: list[Any],
                     date: Any, row: int, problems: list[ImportProblem]) -> None:
        from_age = from_birth = None
        if age_text is not None:
            values[V["age_raw"]] = age_text
            from_age = self.norm.birth_years_from_age(age_text, date)
            if isinstance(from_age, str):
                self._warn(problems, row, age_field, age_text, from_age)
                from_age = None
        if born_text is not None:
            from_birth = self.norm.birth_years(born_text)
            if isinstance(from_birth, str):
                self._warn(problems, row, "birth_year", born_text, from_birth)
                from_birth = None
        if from_age and from_birth:
            low, high = max(from_age[0], from_birth[0]), min(from_age[1], from_birth[1])
            if low > high:
                self._warn(problems, row, "birth_year", born_text,
                           f"a birth year that agrees with the age {age_text!r} (which gives "
                           f"{from_age[0]}-{from_age[1]}); both are kept as written and the birth year is used")
                low, high = from_birth
            values[V["birth_year_min"]], values[V["birth_year_max"]] = low, high
        elif from_age or from_birth:
            values[V["birth_year_min"]], values[V["birth_year_max"]] = from_age or from_birth

    def _place(self, place: str | None, district: str | None, values: list[Any], row: int,
               problems: list[ImportProblem], place_field: str = "event_place") -> None:
        values[V["event_place_raw"]] = place if place is not None else district
        if place is not None and district is not None and len(place) + len(district) + 2 <= MAX_LENGTHS["event_place_raw"]:
            values[V["event_place_raw"]] = f"{place}, {district}"
        if place is not None:
            found = self.norm.place(place, district)
            if not isinstance(found, tuple):
                reason = found if isinstance(found, str) else (
                    "a place listed in the gazetteer (add this spelling as a variant in the gazetteer file)")
                coarse = self.norm.place(district, None) if district is not None else None
                found = coarse if isinstance(coarse, tuple) else None
                if found is not None:
                    reason += f"; only the district {district!r} was recognised, so the event place is that district"
                self._warn(problems, row, place_field, place, reason)
        else:
            found = self.norm.place(district, None)
            if not isinstance(found, tuple):
                self._warn(problems, row, "district", district, found if isinstance(found, str) else
                           "a place listed in the gazetteer (add this spelling as a variant in the gazetteer file)")
                found = None
        if found is not None:
            values[V["event_place"]], values[V["event_place_parent"]] = found

    def _violation(self, text: str | None, cells: list[Any], values: list[Any], row: int,
                   problems: list[ImportProblem]) -> None:
        if text is not None:
            values[V["violation_raw"]] = text
            category = self.violation(text)
            if category is None:
                self._warn(problems, row, "violation", text,
                           "a known violation word (killing, enforced disappearance, abduction, detention, torture, "
                           "...); add this source's word under [vocabulary.violation] in a mapping file")
            else:
                values[V["violation"]] = category
        for category, i in self.indicators:
            cell = cells[i].strip() if i < len(cells) and isinstance(cells[i], str) else ""
            header = self.headers[i]
            low = cell.casefold()
            if low in FALSE_WORDS:
                continue
            if low in TRUE_WORDS:
                mapped = self.norm.violation(category) or category
                if values[V["violation"]] is None:
                    values[V["violation"]] = mapped
                    values[V["violation_raw"]] = values[V["violation_raw"]] or f"{header}: {cell}"
                continue
            if cell.isdigit() and int(cell) > 1:
                problems.append(ImportProblem(
                    self.label, row, header, cell,
                    f"one person per row; this row counts {int(cell)} people in {header!r}. uncounted records "
                    "one report per person: split the row into one row per person"))
            else:
                problems.append(ImportProblem(self.label, row, header, cell,
                                              "yes / no, 1 / 0 or an empty cell", "warning"))

    def _people_count(self, text: str, row: int, problems: list[ImportProblem]) -> None:
        """A column counting the row's people ("No. of victims"): more than one is an error (one report
        per person); one or none is what a row should count."""
        count = to_ascii_digits(text).strip()
        if count.isdigit() and int(count) > 1:
            self._warn(problems, row, "people_count", text,
                       f"one person per row; this row counts {int(count)} people. uncounted records one report per "
                       "person: split the row into one row per person", "error")
        elif not count.isdigit():
            self._warn(problems, row, "people_count", text, "a number of people (1: this row is one person)")

    def _perpetrator(self, text: str, values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        values[V["perpetrator_raw"]] = text
        category = self.norm.perpetrator(text)
        if category is None:
            self._warn(problems, row, "perpetrator", text,
                       "a known perpetrator word (police, army, paramilitary, intelligence agency, armed group, "
                       "unknown, ...); add this source's word under [vocabulary.perpetrator] in a mapping file")
        else:
            values[V["perpetrator_category"]] = category

class RowStage:
    """The rows of one table, one after another: blank rows skipped (None), the others built, and a
    record id seen before in the table turned into an error. For rows built in worker processes
    (``ingest.build_process``) the importing process checks the record ids and the workers mark the
    repeats with the same ``duplicate_id_problem``."""

    def __init__(self, builder: RowBuilder):
        self.builder = builder
        self.ids_seen: dict[str, int] = {}

    def build(self, row_number: int, cells: list[Any]) -> BuiltRow | None:
        if is_blank(cells):
            return None
        built = self.builder.build(row_number, cells)
        record_id = built.record_id
        if record_id is not None:
            seen = self.ids_seen
            known = len(seen)
            first = seen.setdefault(record_id, row_number)  # one lookup in a dict of up to a million ids
            if len(seen) == known:  # the id was there already
                built.problems.append(duplicate_id_problem(self.builder.label, row_number,
                                                           self.builder.col.get("record_id"), record_id, first))
                built.rejected = True
        return built


def duplicate_id_problem(label: str, row_number: int, column: str | None, record_id: str, first: int
                         ) -> ImportProblem:
    """The error of a row whose record id an earlier row of the table already used."""
    return ImportProblem(
        label, row_number, column, record_id,
        f"a record id used once; {record_id!r} is already used at row {first}. Give each row its own "
        "id (if this is the same person reported twice, keep both rows with different ids)")


def _pop_json(raw: dict[str, Any], json_path: tuple[str, ...]) -> Any:
    """Take the value at ``json_path`` out of a JSON Lines row, copying the objects on the way (the
    line's own object stays whole); None when it is not there."""
    node = raw
    for key in json_path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            return None
        node[key] = node = dict(child)
    return node.pop(json_path[-1], None)


DATE_PART_FIELDS = frozenset({"event_day", "event_month", "event_year"})
NAME_PART_FIELDS = frozenset({"given_name", "family_name"})
MAX_NAME_CHARS = 500  # a name joined from its parts, at most (each part is limited by its own check)
# Fields that say nothing of a person: a row with nothing else describes no one.
_NO_PERSON_FIELDS = frozenset({"record_id", "notes", "people_count"})
# "Total", "Grand Total", "Sub-total", "Totals:", "TOTAL KILLED 45", "کل", "ٹوٹل": a row that sums up others.
_TOTALS = re.compile(r"^(?:(?:grand|sub)[\s-]*)?totals?\b|^(?:کل|ٹوٹل)(?:\s|$|:)", re.IGNORECASE)
_TOTAL_STARTS = frozenset({"کل", "ٹو"} | {a + b for start in ("to", "gr", "su")
                                           for a in (start[0], start[0].upper()) for b in (start[1], start[1].upper())})
# How a name cell that ends with an age ends: "..., 25", "(25)", "25 yrs", "25 yrs.", "25 years".
_AGE_ENDINGS = frozenset("0123456789)")
_AGE_UNIT_ENDINGS = frozenset({"yrs", "rs.", "ars", "Yrs", "YRS", "RS.", "ARS"})


def rows_checked(rows: list[list[Any]], n_headers: int, longest: float) -> bool:
    """True when every row has ``n_headers`` cells and ``longest`` (the length of the longest row
    or cell) is at most MAX_CELL_CHARS: what ``RowBuilder`` checks of each row, for many at once."""
    return bool(rows) and longest <= MAX_CELL_CHARS and min(map(len, rows)) == max(map(len, rows)) == n_headers


def is_blank(cells: list[Any]) -> bool:
    for cell in cells:
        if isinstance(cell, str):
            if cell and not cell.isspace():
                return False
        elif cell is not None:
            return False
    return True


# The report column each field's text goes to (as written), for the length limits of the store.
FIELD_COLUMN = {"record_id": "source_record_id", "father_name": "father_name", "age": "age_raw", "age_sex": "age_raw",
                "community": "community", "occupation": "occupation", "residence": "residence",
                "violation": "violation_raw", "event_date": "event_date_raw", "event_place": "event_place_raw",
                "district": "event_place_raw", "perpetrator": "perpetrator_raw", "date_place": "event_place_raw"}
FIELD_LABEL = {f: c.replace("_", " ") for f, c in FIELD_COLUMN.items()}
SOURCE_RECORD_ID = V["source_record_id"]
NAME_RAW, NAME_HONORIFIC, NAME_KEY = V["name_raw"], V["name_honorific"], V["name_key"]
FATHER_NAME, RELATION = V["father_name"], V["relation"]
SEX, VIOLATION, VIOLATION_RAW = V["sex"], V["violation"], V["violation_raw"]
# The sex a relation states about the person ("W/O ASLAM": the person is a wife).
RELATION_SEX = {"son_of": "male", "husband_of": "male", "father_of": "male", "brother_of": "male",
                "daughter_of": "female", "wife_of": "female", "mother_of": "female"}
EVENT_DATE_RAW = V["event_date_raw"]
TEXT_COLUMNS = tuple((f, V[f]) for f in TEXT_FIELDS)


def _relation_from_header(header: str | None) -> str | None:
    """The relation a father column states: 'S/O' son_of, 'D/O' daughter_of, 'Father's name' child_of,
    'Husband's Name' wife_of ('Father/Husband Name' says nothing)."""
    if not header:
        return None
    tokens = set(header_tokens(header))
    others = {"father", "parentage", "parent", "s_o", "d_o", "spouse", "guardian", "relation", "wali", "f_h"}
    if tokens & {"husband", "w_o"} and not tokens & others:  # "Husband's Name", "W/O"
        return "wife_of"
    if tokens & {"husband", "w_o", "spouse", "guardian", "relation", "wali"}:
        return None
    if tokens == {"s_o"} or tokens == {"son"}:
        return "son_of"
    if tokens == {"d_o"} or tokens == {"daughter"}:
        return "daughter_of"
    if tokens & {"father", "parentage", "parent", "s_o", "d_o"}:
        return "child_of"
    return None


def problem_dict(problem: ImportProblem) -> dict[str, Any]:
    """A problem as stored with its report (file and row are the report's own)."""
    value = problem.value
    if value is not None and len(value) > 300:
        value = value[:300] + f"… ({len(value)} characters)"
    return {"column": problem.column, "value": value, "expected": problem.expected, "severity": problem.severity}
