"""login sessions and the person search index (web app)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKEN = sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_auth_sessions_user_id", "auth_sessions", ["user_id"])
    op.create_table(
        "person_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("report_key", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("token", TOKEN, nullable=False),
        sa.Column("violation", sa.String(length=40), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["linkage_runs.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    # covering indexes, person_id right after the equality columns (see records/auth_models.py)
    op.create_index("ix_person_search_token", "person_search", ["run_id", "token", "person_id", "source_id", "violation"])
    op.create_index("ix_person_search_violation", "person_search", ["run_id", "violation", "person_id", "source_id"])
    op.create_index("ix_person_search_place", "person_search",
                    ["run_id", "place", "person_id", "source_id", "date_start", "date_end"])
    op.create_index("ix_person_search_date", "person_search",
                    ["run_id", "date_start", "date_end", "source_id", "person_id"])
    op.create_index("ix_person_search_source", "person_search", ["run_id", "source_id", "person_id"])


def downgrade() -> None:
    op.drop_table("person_search")
    op.drop_index("ix_auth_sessions_user_id", table_name="auth_sessions")
    op.drop_table("auth_sessions")
