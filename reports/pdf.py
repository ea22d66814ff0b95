"""PDF rendering in one place: HTML templates to tagged, accessible PDF (PDF/UA-1) by WeasyPrint.

WeasyPrint is imported inside the function so that web start-up stays fast.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def html_to_pdf(html: str, *, title: str) -> bytes:
    """Render HTML to a tagged PDF/UA-1 document (A4 comes from the template's @page rule)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    pdf: bytes = document.write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
        pdf_identifier=title.encode("utf-8")[:32],
    )
    return pdf


def render_pdf(
    template: str, context: dict[str, Any], *, title: str, language: str = "nl"
) -> bytes:
    """Render a Django template to PDF in the given language (Dutch by default)."""
    with translation.override(language):
        html = render_to_string(template, context)
    return html_to_pdf(html, title=title)
