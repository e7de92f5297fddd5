"""drop ix_reports_current_source and ix_reports_name_key: no query needs them, and every insert paid for them

- ix_reports_name_key: no query looks reports up by name key (search keeps its own table,
  person_search; linkage reads name keys through person_reports).
- ix_reports_current_source (is_current, source_id): nearly every report is current, so the
  planner's use of it for "current reports" read the whole table through the index; without it
  the same queries scan the table or use ix_reports_source_id, and were as fast or faster on a
  million reports (docs/importing.md, "Speed").

Together they were about a third of the index work of an import (2.2 of 7.4 CPU seconds when a
million rows are copied into reports).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_current_source")
        batch_op.drop_index("ix_reports_name_key")


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_name_key", ["name_key"], unique=False)
        batch_op.create_index("ix_reports_current_source", ["is_current", "source_id"], unique=False)
