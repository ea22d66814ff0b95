"""Signals the allocation app sends, so that higher apps can react without allocation
importing them. Sent from services only; receivers call their own services."""

from django.dispatch import Signal

# The settings of a scenario of a round changed. Kwargs: round_ (a Round).
scenario_changed = Signal()
