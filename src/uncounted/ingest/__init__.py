"""Importing rights groups' spreadsheets into the record: CSV, XLSX and JSON Lines.

    from uncounted.ingest import import_file, detect_mapping, read_table, Mapping
    result = import_file(ws, "register.csv", source="Families Association", kind="ngo_list")

See docs/importing.md for what is detected, what is a warning and what is an error.
"""

from __future__ import annotations

from uncounted.ingest.headers import ALL_FIELDS, FIELDS
from uncounted.ingest.importer import ImportResult, import_file
from uncounted.ingest.mapping import Mapping, detect_mapping
from uncounted.ingest.readers import Table, read_table

__all__ = ["ALL_FIELDS", "FIELDS", "ImportResult", "Mapping", "Table", "detect_mapping", "import_file", "read_table"]
