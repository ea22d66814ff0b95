"""Signals the municipalities app sends, so that higher apps can react without this app
importing them (the same pattern as figures.signals).

Sent from services only, after the change is saved. Receivers call their own services.
"""

from django.dispatch import Signal

# Confirmed municipal figures of a reference year were created or changed outside the
# figures workflow (for example by `manage.py refresh_cbs`). Kwargs: reference_year.
municipal_figures_changed = Signal()
