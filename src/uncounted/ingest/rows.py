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

import json
from dataclasses import dataclass
from typing import Any

from uncounted.errors import ImportProblem
from uncounted.ingest.normal import Normalisers
from uncounted.ingest.readers import MAX_CELL_CHARS, BadLine, Table, column_letter
from uncounted.ingest.store import MAX_LENGTHS, VALUE_COLUMNS

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


class RowBuilder:
    """Builds report values for the rows of one table, with one mapping and one set of normalisers."""

    def __init__(self, table: Table, columns: dict[str, str | None], norm: Normalisers):
        self.table = table
        self.label = table.label
        self.headers = table.headers
        self.n_headers = len(table.headers)
        self.norm = norm
        self.index: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            field_name = columns.get(header)
            if field_name:
                self.index[field_name] = i
        self.col = {f: self.headers[i] for f, i in self.index.items()}
        self.unnamed = {i for i, h in enumerate(table.headers) if h.startswith("column ")
                        and not table.original_headers[i:i + 1] == [h]}
        self.father_relation = _relation_from_header(self.col.get("father_name"))
        self.indicators = [(f.split(":", 1)[1], i) for f, i in self.index.items() if f.startswith("indicator:")]
        self.is_jsonl = table.format == "jsonl"
        self.custody = norm.custody_from(self.col.get("custody_acknowledged"))

    # ---- the row -------------------------------------------------------------------------------
    def build(self, row_number: int, cells: list[Any]) -> BuiltRow:
        problems: list[ImportProblem] = []
        if self.is_jsonl:
            cells, raw, bad = self._jsonl_cells(row_number, cells[0], problems)
            if bad:
                return BuiltRow(row_number, None, None, raw, problems, True, cells)
        else:
            raw = self._raw(cells)
            if self._structure_errors(row_number, cells, problems):
                return BuiltRow(row_number, self._value(cells, "record_id"), None, raw, problems, True, cells)
        values = [None] * N_VALUES
        get = self._value
        record_id = get(cells, "record_id")
        values[V["source_record_id"]] = record_id
        self._name(cells, values, row_number, problems)
        self._sex(cells, values, row_number, problems)
        date = self._event_date(cells, values, row_number, problems)
        self._birth_years(cells, values, date, row_number, problems)
        for field_name in TEXT_FIELDS:
            text = get(cells, field_name)
            if text is not None:
                values[V[field_name]] = text
        self._place(cells, values, row_number, problems)
        self._violation(cells, values, row_number, problems)
        self._perpetrator(cells, values, row_number, problems)
        self._vocabulary_field(cells, values, "victim_status", self.norm.victim_status,
                               "a victim status such as dead, missing, released, found dead, held", row_number,
                               problems)
        self._vocabulary_field(cells, values, "custody_acknowledged", self.custody,
                               "acknowledged, denied or unknown (or yes / no)", row_number, problems)
        self._vocabulary_field(cells, values, "certainty", self.norm.certainty,
                               "confirmed, likely, possible, unlikely, unknown (or high / medium / low)",
                               row_number, problems)
        self._check_lengths(values, row_number, problems)
        rejected = any(p.severity == "error" for p in problems)
        return BuiltRow(row_number, record_id, None if rejected else values, raw, problems, rejected, cells)

    def _value(self, cells: list[Any], field_name: str) -> str | None:
        i = self.index.get(field_name)
        if i is None or i >= len(cells):
            return None
        text = cells[i]
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        text = text.strip()
        return text or None

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

    def _jsonl_cells(self, row_number: int, obj: Any, problems: list[ImportProblem]
                     ) -> tuple[list[Any], dict[str, Any], bool]:
        if isinstance(obj, BadLine):
            problems.append(ImportProblem(self.label, row_number, None, obj.text, obj.reason))
            return [obj.text], {"_line": obj.text}, True
        cells = []
        for header in self.headers:
            value = obj.get(header)
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
        elif n < self.n_headers and any(c.strip() for c in cells):
            problems.append(ImportProblem(
                self.label, row_number, None, None,
                f"{self.n_headers} values, one per column; this row has {n}, so the last "
                f"{self.n_headers - n} were read as empty. If the row was split over two lines, join it",
                "warning"))
        for i, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                header = self.headers[i] if i < self.n_headers else f"column {column_letter(i)}"
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

    def _name(self, cells: list[Any], values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        name = self._value(cells, "name")
        father = self._value(cells, "father_name")
        if name is not None:
            values[V["name_raw"]] = name
            parsed = self.norm.name(name)
            if parsed is not None:
                (values[V["name_honorific"]], values[V["name_given"]], values[V["name_family"]],
                 values[V["relation"]], values[V["father_name"]], values[V["name_key"]]) = parsed
        if father is not None:
            values[V["father_name"]] = father
            if values[V["relation"]] is None:
                values[V["relation"]] = self.father_relation

    def _sex(self, cells: list[Any], values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        text = self._value(cells, "sex")
        if text is None:
            return
        sex = self.norm.sex(text)
        if sex is None:
            self._warn(problems, row, "sex", text, "a sex such as male, female, M, F (the value is kept as written "
                       "in the raw row)")
        else:
            values[V["sex"]] = sex

    def _event_date(self, cells: list[Any], values: list[Any], row: int, problems: list[ImportProblem]) -> Any:
        text = self._value(cells, "event_date")
        if text is None:
            return None
        values[V["event_date_raw"]] = text
        result = self.norm.date(text)
        if isinstance(result, str):
            self._warn(problems, row, "event_date", text, result)
            return None
        if result is None:  # "unknown", "-", "n/a": stated as not known
            values[V["event_date_precision"]] = "unknown"
            return None
        start, end, precision = result
        values[V["event_date_start"]] = start
        values[V["event_date_end"]] = end
        values[V["event_date_precision"]] = precision
        return result

    def _birth_years(self, cells: list[Any], values: list[Any], date: Any, row: int,
                     problems: list[ImportProblem]) -> None:
        age_text = self._value(cells, "age")
        born_text = self._value(cells, "birth_year")
        from_age = from_birth = None
        if age_text is not None:
            values[V["age_raw"]] = age_text
            from_age = self.norm.birth_years_from_age(age_text, date)
            if isinstance(from_age, str):
                self._warn(problems, row, "age", age_text, from_age)
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

    def _place(self, cells: list[Any], values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        place = self._value(cells, "event_place")
        district = self._value(cells, "district")
        if place is None and district is None:
            return
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
                self._warn(problems, row, "event_place", place, reason)
        else:
            found = self.norm.place(district, None)
            if not isinstance(found, tuple):
                self._warn(problems, row, "district", district, found if isinstance(found, str) else
                           "a place listed in the gazetteer (add this spelling as a variant in the gazetteer file)")
                found = None
        if found is not None:
            values[V["event_place"]], values[V["event_place_parent"]] = found

    def _violation(self, cells: list[Any], values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        text = self._value(cells, "violation")
        if text is not None:
            values[V["violation_raw"]] = text
            category = self.norm.violation(text)
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

    def _perpetrator(self, cells: list[Any], values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        text = self._value(cells, "perpetrator")
        if text is None:
            return
        values[V["perpetrator_raw"]] = text
        category = self.norm.perpetrator(text)
        if category is None:
            self._warn(problems, row, "perpetrator", text,
                       "a known perpetrator word (police, army, paramilitary, intelligence agency, armed group, "
                       "unknown, ...); add this source's word under [vocabulary.perpetrator] in a mapping file")
        else:
            values[V["perpetrator_category"]] = category

    def _vocabulary_field(self, cells: list[Any], values: list[Any], field_name: str, classify: Any,
                          expected: str, row: int, problems: list[ImportProblem]) -> None:
        text = self._value(cells, field_name)
        if text is None:
            return
        category = classify(text)
        if category is None:
            self._warn(problems, row, field_name, text,
                       f"{expected}; add this source's word under [vocabulary.{field_name}] in a mapping file")
        else:
            values[V[field_name]] = category

    def _check_lengths(self, values: list[Any], row: int, problems: list[ImportProblem]) -> None:
        for column, limit in LENGTH_CHECKS:
            value = values[V[column]]
            if value is not None and isinstance(value, str) and len(value) > limit:
                values[V[column]] = None
                field_name = COLUMN_FIELD.get(column, column)
                self._warn(problems, row, field_name, value,
                           f"at most {limit} characters for {column.replace('_', ' ')}; the value is kept whole in "
                           "the raw row only")


COLUMN_FIELD = {"source_record_id": "record_id", "name_honorific": "name", "name_given": "name",
                "name_family": "name", "name_key": "name", "age_raw": "age", "violation_raw": "violation",
                "event_date_raw": "event_date", "event_place_raw": "event_place", "perpetrator_raw": "perpetrator",
                "father_name": "father_name"}
LENGTH_CHECKS = tuple((c, MAX_LENGTHS[c]) for c in VALUE_COLUMNS if c in MAX_LENGTHS)


def _relation_from_header(header: str | None) -> str | None:
    """The relation a father column states: 'S/O' son_of, 'D/O' daughter_of, 'Father's name' child_of."""
    if not header:
        return None
    from uncounted.ingest.headers import header_tokens

    tokens = set(header_tokens(header))
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
