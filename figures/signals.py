"""Signals the figures app sends, so that higher apps can react without figures importing them.

Sent from services only, after the change is saved. Receivers call their own services.
"""

from django.dispatch import Signal

# A confirmed figure of a reference year changed or was unlocked. Kwargs: reference_year.
figures_changed = Signal()

# Submitted figures were just confirmed, inside the confirmation's transaction (a receiver
# that raises undoes the whole confirmation). Kwargs: municipality, year, user (who
# confirmed), figures (the confirmed MunicipalFigure and GroupFigure rows), at (when).
figures_confirmed = Signal()
