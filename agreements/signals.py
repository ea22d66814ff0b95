"""Signals the agreements app sends, so that higher apps (reports) can react without this
app importing them. Sent after commit from services only; receivers call their services."""

from django.dispatch import Signal

# A round was adopted and its agreement frozen. Kwargs: round_id.
round_adopted = Signal()
