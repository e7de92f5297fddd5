"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 20:15:10.885351
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=True),
    sa.Column('object_id', sa.String(length=200), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_key', sa.String(length=64), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('original_name', sa.String(length=500), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('added_by', sa.String(length=100), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_report_key'), ['report_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_sha256'), ['sha256'], unique=False)

    op.create_table('linkage_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('backend', sa.String(length=20), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=True),
    sa.Column('model', sa.JSON(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('match_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_key_l', sa.String(length=64), nullable=False),
    sa.Column('report_key_r', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_match_decisions_pair', ['report_key_l', 'report_key_r'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('sensitivity', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('totp_secret_enc', sa.LargeBinary(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('original_name', sa.String(length=500), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('added_by', sa.String(length=100), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['previous_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'sha256', name='uq_document_source_hash')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_sha256'), ['sha256'], unique=False)

    op.create_table('estimate_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=True),
    sa.Column('seed', sa.BigInteger(), nullable=True),
    sa.Column('data_hash', sa.String(length=64), nullable=False),
    sa.Column('linkage_run_id', sa.Integer(), nullable=True),
    sa.Column('lists', sa.JSON(), nullable=True),
    sa.Column('scope', sa.JSON(), nullable=True),
    sa.Column('observed', sa.Integer(), nullable=True),
    sa.Column('estimate', sa.Float(), nullable=True),
    sa.Column('interval_low', sa.Float(), nullable=True),
    sa.Column('interval_high', sa.Float(), nullable=True),
    sa.Column('level', sa.Float(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['linkage_run_id'], ['linkage_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('match_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('report_key_l', sa.String(length=64), nullable=False),
    sa.Column('report_key_r', sa.String(length=64), nullable=False),
    sa.Column('match_probability', sa.Float(), nullable=False),
    sa.Column('match_weight', sa.Float(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['linkage_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_pairs', schema=None) as batch_op:
        batch_op.create_index('ix_match_pairs_run_prob', ['run_id', 'match_probability'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=300), nullable=True),
    sa.Column('name_key', sa.String(length=300), nullable=True),
    sa.Column('n_reports', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=True),
    sa.Column('conflicts', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['linkage_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_person_key'), ['person_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_run_id'), ['run_id'], unique=False)

    op.create_table('source_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'source_id', name='uq_grant_user_source')
    )
    op.create_table('candidate_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('candidate_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_reports_document_id'), ['document_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('claimant_name', sa.String(length=300), nullable=True),
    sa.Column('claimant_role', sa.String(length=300), nullable=True),
    sa.Column('medium', sa.String(length=100), nullable=True),
    sa.Column('relayed_by', sa.String(length=300), nullable=True),
    sa.Column('statement_date', sa.Date(), nullable=True),
    sa.Column('quantity_lower', sa.BigInteger(), nullable=True),
    sa.Column('quantity_upper', sa.BigInteger(), nullable=True),
    sa.Column('quantity_qualifier', sa.String(length=100), nullable=True),
    sa.Column('quantity_text', sa.String(length=300), nullable=True),
    sa.Column('violation', sa.String(length=40), nullable=True),
    sa.Column('victim_group', sa.String(length=200), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('alleged_perpetrator', sa.String(length=200), nullable=True),
    sa.Column('attributed', sa.Boolean(), nullable=True),
    sa.Column('hedges', sa.JSON(), nullable=True),
    sa.Column('evidence_text', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_document_id'), ['document_id'], unique=False)

    op.create_table('person_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('report_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['linkage_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'report_key', name='uq_person_report_run')
    )
    with op.batch_alter_table('person_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_reports_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_reports_report_key'), ['report_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_reports_run_id'), ['run_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('sheet', sa.String(length=200), nullable=True),
    sa.Column('source_record_id', sa.String(length=200), nullable=True),
    sa.Column('name_raw', sa.Text(), nullable=True),
    sa.Column('name_honorific', sa.String(length=200), nullable=True),
    sa.Column('name_given', sa.String(length=300), nullable=True),
    sa.Column('name_family', sa.String(length=200), nullable=True),
    sa.Column('relation', sa.String(length=20), nullable=True),
    sa.Column('father_name', sa.String(length=300), nullable=True),
    sa.Column('name_key', sa.String(length=300), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('age_raw', sa.String(length=50), nullable=True),
    sa.Column('birth_year_min', sa.Integer(), nullable=True),
    sa.Column('birth_year_max', sa.Integer(), nullable=True),
    sa.Column('community', sa.String(length=200), nullable=True),
    sa.Column('occupation', sa.String(length=200), nullable=True),
    sa.Column('residence', sa.String(length=300), nullable=True),
    sa.Column('violation_raw', sa.String(length=300), nullable=True),
    sa.Column('violation', sa.String(length=40), nullable=True),
    sa.Column('event_date_raw', sa.String(length=100), nullable=True),
    sa.Column('event_date_start', sa.Date(), nullable=True),
    sa.Column('event_date_end', sa.Date(), nullable=True),
    sa.Column('event_date_precision', sa.String(length=20), nullable=True),
    sa.Column('event_place_raw', sa.String(length=300), nullable=True),
    sa.Column('event_place', sa.String(length=200), nullable=True),
    sa.Column('event_place_parent', sa.String(length=200), nullable=True),
    sa.Column('perpetrator_raw', sa.String(length=300), nullable=True),
    sa.Column('perpetrator_category', sa.String(length=40), nullable=True),
    sa.Column('victim_status', sa.String(length=20), nullable=True),
    sa.Column('custody_acknowledged', sa.String(length=20), nullable=True),
    sa.Column('certainty', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('sensitive_enc', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('change_reason', sa.Text(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.ForeignKeyConstraint(['supersedes_id'], ['reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_key', 'version', name='uq_report_key_version')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_current_source', ['is_current', 'source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_reports_name_key', ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_report_key'), ['report_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_source_record_id'), ['source_record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_violation'), ['violation'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_violation'))
        batch_op.drop_index(batch_op.f('ix_reports_source_record_id'))
        batch_op.drop_index(batch_op.f('ix_reports_source_id'))
        batch_op.drop_index(batch_op.f('ix_reports_report_key'))
        batch_op.drop_index('ix_reports_name_key')
        batch_op.drop_index(batch_op.f('ix_reports_document_id'))
        batch_op.drop_index('ix_reports_current_source')

    op.drop_table('reports')
    with op.batch_alter_table('person_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_reports_run_id'))
        batch_op.drop_index(batch_op.f('ix_person_reports_report_key'))
        batch_op.drop_index(batch_op.f('ix_person_reports_person_id'))

    op.drop_table('person_reports')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_document_id'))

    op.drop_table('claims')
    with op.batch_alter_table('candidate_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_reports_document_id'))

    op.drop_table('candidate_reports')
    op.drop_table('source_grants')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_run_id'))
        batch_op.drop_index(batch_op.f('ix_persons_person_key'))
        batch_op.drop_index(batch_op.f('ix_persons_name_key'))

    op.drop_table('persons')
    with op.batch_alter_table('match_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_match_pairs_run_prob')

    op.drop_table('match_pairs')
    op.drop_table('estimate_runs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_sha256'))

    op.drop_table('documents')
    op.drop_table('users')
    op.drop_table('sources')
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_match_decisions_pair')

    op.drop_table('match_decisions')
    op.drop_table('linkage_runs')
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_report_key'))

    op.drop_table('evidence_files')
    op.drop_table('audit_log')
