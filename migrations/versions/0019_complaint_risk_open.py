"""complaint-risk open set: the cancellations whose risk window is not closed, and the scan's mark in the audit log

The alert scan's complaint-risk rule read every cancellation ever made, to find the few still
open (issue 16: 25,000 cancellations at a twentieth of the country, 7 s of an 8 s scan). The scan
now keeps them: ``complaint_risk_open`` holds the cancellations it has not closed, and
``scan_marks`` the audit ids it has read up to. Both start empty: the first scan after this
upgrade reads every cancellation once (as every scan did before) and keeps the open ones.

Revision ID: 0019
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_risk_open",
        sa.Column("asset_id", sa.Integer(), sa.ForeignKey("assets.id", name="fk_complaint_risk_open_asset_id_assets"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(64), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "seq", name="pk_complaint_risk_open"),
    )
    op.create_table(
        "scan_marks",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_scan_marks"),
    )


def downgrade() -> None:
    op.drop_table("scan_marks")
    op.drop_table("complaint_risk_open")
