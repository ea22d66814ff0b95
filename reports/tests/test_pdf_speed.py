"""The speed-ups of reports.pdf keep the PDF the same (issue 14)."""

from __future__ import annotations

import pydyf

from reports import pdf


def test_cached_page_references_equal_pydyfs_own_and_follow_new_pages() -> None:
    pdf._cache_page_references()
    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = document.page_references
    assert first == tuple(f"{n} 0 R".encode("ascii") for n in document.pages["Kids"][::3])
    assert document.page_references is first  # built once per page count
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    again = document.page_references
    assert len(again) == 4
    assert again[:3] == first
