"""PDF rendering in one place: HTML templates to tagged, accessible PDF (PDF/UA-1) by WeasyPrint.

WeasyPrint is imported inside the function so that web start-up stays fast. The controlecode
of an agreement (the approved digest) goes into the document's metadata (keywords
``mra-controlecode:<hex>``, and ``mra-cijfers:<hex>`` for its numbers) as well as its text,
so that `read_digest` and `read_keyword` find them again in the bytes (`verify_agreement`).
"""

from __future__ import annotations

import gc
import re
import zlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

DIGEST_KEYWORD = "mra-controlecode:"
# Documents made before issue 11 carried "mra-digest:"; they are read the same way.
_DIGEST_RE = re.compile(rb"mra-(?:controlecode|digest):([0-9a-f]{64})")
_STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


_PAGE_REFERENCES_CACHED = False


def _cache_page_references() -> None:
    """Make ``pydyf.PDF.page_references`` cheap: WeasyPrint's tagging (PDF/UA) asks for it
    once per tagged element, and pydyf builds the tuple of every page's reference each time:
    pages × elements string formats, about 2.6 million for the 115-page MRA agreement (4% of
    its render time). Pages are only ever added (``add_page`` extends ``Kids``), so the
    tuple is kept until the number of pages changes. Same values, same order."""
    global _PAGE_REFERENCES_CACHED
    if _PAGE_REFERENCES_CACHED:
        return
    import pydyf

    original = pydyf.PDF.page_references

    def page_references(self: Any) -> tuple[bytes, ...]:
        kids = len(self.pages["Kids"])
        cached = self.__dict__.get("_mra_page_references")
        if cached is None or cached[0] != kids:
            cached = (kids, original.fget(self))
            self.__dict__["_mra_page_references"] = cached
        return cached[1]  # type: ignore[no-any-return]

    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign,assignment]
    _PAGE_REFERENCES_CACHED = True


# zlib level for the PDF's streams: pydyf always asks for 9, which spends a tenth of a
# sub-region's render time to make the file about a fifth smaller than level 1 does.
STREAM_COMPRESSION_LEVEL = 1


class _StreamZlib:
    """What pydyf uses of ``zlib``, at STREAM_COMPRESSION_LEVEL whatever level it asks for."""

    error = zlib.error

    @staticmethod
    def compress(data: bytes, level: int = -1) -> bytes:
        return zlib.compress(data, STREAM_COMPRESSION_LEVEL)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(STREAM_COMPRESSION_LEVEL, *args, **kwargs)


def _fast_stream_compression() -> None:
    import pydyf

    pydyf.zlib = _StreamZlib  # type: ignore[attr-defined]


def html_to_pdf_document(html: str, *, title: str) -> RenderedPdf:
    """Render HTML to a tagged PDF/UA-1 document (A4 comes from the template's @page rule).

    The cyclic garbage collector is paused while WeasyPrint works: the layout makes hundreds
    of thousands of objects that live until the end, and the collector kept walking them
    (15-20% of the MRA-wide agreement's time). It runs again afterwards as usual."""
    from weasyprint import HTML

    _cache_page_references()
    _fast_stream_compression()

    collecting = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_tags=True)
        pdf: bytes = document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
            custom_metadata=True,
            pdf_identifier=title.encode("utf-8")[:32],
        )
        pages = len(document.pages)
    finally:
        if collecting:
            gc.enable()
    return RenderedPdf(content=pdf, pages=pages)


def html_to_pdf(html: str, *, title: str) -> bytes:
    return html_to_pdf_document(html, title=title).content


def render_pdf_document(
    template: str, context: dict[str, Any], *, title: str, language: str = "nl"
) -> RenderedPdf:
    """Render a Django template to PDF in the given language (Dutch by default)."""
    with translation.override(language):
        html = render_to_string(template, context)
    return html_to_pdf_document(html, title=title)


def render_pdf(
    template: str, context: dict[str, Any], *, title: str, language: str = "nl"
) -> bytes:
    return render_pdf_document(template, context, title=title, language=language).content


def _search(pdf: bytes, pattern: re.Pattern[bytes]) -> str | None:
    match = pattern.search(pdf)
    if match:
        return match.group(1).decode("ascii")
    for stream in _STREAM_RE.finditer(pdf):
        try:
            data = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        match = pattern.search(data)
        if match:
            return match.group(1).decode("ascii")
    return None


def read_digest(pdf: bytes) -> str | None:
    """The controlecode stored in a PDF's metadata (or compressed streams), or None."""
    return _search(pdf, _DIGEST_RE)


def read_keyword(pdf: bytes, name: str) -> str | None:
    """A hexadecimal value stored as ``<name>:<hex>`` in a PDF's keywords, or None."""
    return _search(pdf, re.compile(re.escape(name).encode("ascii") + rb":([0-9a-f]{64})"))
