"""core schema: offices, users, assets, audit log, calendar, access log

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 22:37:55.039844
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('office', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    op.create_table('offices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['offices.id'], name=op.f('fk_offices_parent_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offices')),
    sa.UniqueConstraint('code', name=op.f('uq_offices_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_users_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('workflow', sa.String(length=64), nullable=False),
    sa.Column('workflow_version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('state_entered_on', sa.Date(), nullable=False),
    sa.Column('last_event_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('deadline_basis', sa.Text(), nullable=True),
    sa.Column('deadline_regime', sa.String(length=32), nullable=True),
    sa.Column('clock_extended', sa.Boolean(), nullable=False),
    sa.Column('appraised_price', sa.BigInteger(), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=True),
    sa.Column('sale_price', sa.BigInteger(), nullable=True),
    sa.Column('buyer', sa.String(length=200), nullable=True),
    sa.Column('appraisal_org', sa.String(length=200), nullable=True),
    sa.Column('auction_org', sa.String(length=200), nullable=True),
    sa.Column('auction_date', sa.Date(), nullable=True),
    sa.Column('sold_by', sa.String(length=64), nullable=True),
    sa.Column('reduction_count', sa.Integer(), nullable=False),
    sa.Column('reappraisal_count', sa.Integer(), nullable=False),
    sa.Column('cancellation_count', sa.Integer(), nullable=False),
    sa.Column('resume_state', sa.String(length=32), nullable=True),
    sa.Column('resume_remaining', sa.Integer(), nullable=True),
    sa.Column('resume_unit', sa.String(length=16), nullable=True),
    sa.Column('resume_basis', sa.Text(), nullable=True),
    sa.Column('resume_regime', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_assets_office_id_offices')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_assets_officer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assets'))
    )
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.create_index('ix_assets_deadline', ['deadline'], unique=False)
        batch_op.create_index('ix_assets_office_state', ['office_id', 'state'], unique=False)
        batch_op.create_index('ix_assets_state_deadline', ['state', 'deadline'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('trigger', sa.String(length=64), nullable=True),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('office', sa.String(length=32), nullable=True),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_audit_log_asset_id_assets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('asset_id', 'seq', name=op.f('uq_audit_log_asset_id_seq'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor', ['actor'], unique=False)
        batch_op.create_index('ix_audit_log_business_date', ['business_date'], unique=False)
        batch_op.create_index('ix_audit_log_trigger', ['trigger'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_trigger')
        batch_op.drop_index('ix_audit_log_business_date')
        batch_op.drop_index('ix_audit_log_actor')

    op.drop_table('audit_log')
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_index('ix_assets_state_deadline')
        batch_op.drop_index('ix_assets_office_state')
        batch_op.drop_index('ix_assets_deadline')

    op.drop_table('assets')
    op.drop_table('users')
    op.drop_table('offices')
    op.drop_table('calendar_days')
    op.drop_table('access_log')
