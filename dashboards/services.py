"""Writes of the dashboards app: storing imported municipal outlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from municipalities.models import Municipality

from .models import MunicipalityBoundary


@dataclass(frozen=True)
class BoundaryImport:
    stored: list[str]
    """CBS codes whose outline was stored."""
    skipped: list[str]
    """Codes in the file that are not one of our municipalities (e.g. outside the MRA)."""
    missing: list[str]
    """Our municipalities that the file has no outline for."""


def boundaries_import(*, geometries: Mapping[str, dict[str, Any]], source: str) -> BoundaryImport:
    """Store an outline per known municipality, all or nothing; history in the same
    transaction (django-simple-history)."""
    with transaction.atomic():
        municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
        existing = {
            b.municipality_id: b
            for b in MunicipalityBoundary.objects.select_for_update().filter(
                municipality__cbs_code__in=list(geometries)
            )
        }
        stored = []
        for code, geometry in sorted(geometries.items()):
            municipality = municipalities.get(code)
            if municipality is None:
                continue
            boundary = existing.get(municipality.pk) or MunicipalityBoundary(
                municipality=municipality
            )
            boundary.geometry = geometry
            boundary.source = source[:255]
            boundary.full_clean()
            boundary.save()
            stored.append(code)
    return BoundaryImport(
        stored=stored,
        skipped=sorted(set(geometries) - set(municipalities)),
        missing=sorted(set(municipalities) - set(geometries)),
    )
