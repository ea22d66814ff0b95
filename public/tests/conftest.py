"""An adopted round with accepted transfers, built the way the review leaves it: a computed
proposal, two transfers accepted, seven approvals, the chair adopts (agreements.services)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

from agreements import services as review_services
from agreements.models import Proposal
from agreements.tests.fixtures import approve_all, proposal, review_round  # noqa: F401 - fixtures
from allocation.models import Round
from municipalities.models import Municipality
from target_groups.models import TargetGroup

# (group, giver, taker, initiator, proposer, answerer, amount)
TRANSFERS = [
    ("urgent", "GM0363", "GM0392", "GM0392", "beleid.haarlem", "beleid.amsterdam", 2),
    ("homeless", "GM0392", "GM0363", "GM0392", "beleid.haarlem", "beleid.amsterdam", 1),
]


def adopt_with_transfers(proposal: Proposal, user_named: Callable[[str], Any]) -> Round:  # noqa: F811 - the fixture
    """Accept the TRANSFERS, let every sub-region approve, and let the chair adopt."""
    for group, giver, taker, initiator, proposer, answerer, amount in TRANSFERS:
        transfer = review_services.transfer_propose(
            round_=proposal.round,
            group=TargetGroup.objects.get(code=group),
            giver=Municipality.objects.get(cbs_code=giver),
            taker=Municipality.objects.get(cbs_code=taker),
            amount=amount,
            initiator=Municipality.objects.get(cbs_code=initiator),
            user=user_named(proposer),
            reason="Onderling afgesproken",
        )
        review_services.transfer_answer(transfer=transfer, user=user_named(answerer), accept=True)
    approve_all(proposal, user_named)
    return review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))


@pytest.fixture
def adopted(proposal: Proposal, user_named: Callable[[str], Any]) -> Round:  # noqa: F811 - the fixture
    return adopt_with_transfers(proposal, user_named)


class TableReader(HTMLParser):
    """The agreement tables of the public page: per (group, code) the numbers shown in the
    cells marked data-col, as their visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._group: str | None = None
        self._row: dict[str, list[str]] | None = None
        self._col: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("data-group"):
            self._group = a["data-group"]
        elif tag == "tr" and self._group and a.get("data-code"):
            self._row = self.rows.setdefault((self._group, a["data-code"] or ""), {})
        elif tag == "td" and self._row is not None and a.get("data-col"):
            self._col = a["data-col"]
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._col and self._row is not None:
            self._row.setdefault(self._col, []).append("".join(self._text).strip())
            self._col = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._group = None

    def handle_data(self, data: str) -> None:
        if self._col:
            self._text.append(data)


def dutch_int(text: str) -> int:
    """ "1.142" -> 1142, "−5" -> -5, "+2" -> 2."""
    return int(text.replace(".", "").replace("\u2212", "-").replace("+", ""))


def published_numbers(html: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (group, CBS code): the agreed number for the period and per year, as shown."""
    reader = TableReader()
    reader.feed(html)
    return {
        key: {
            "agreed": dutch_int(cols["agreed"][0]),
            "per_year": [dutch_int(t) for t in cols.get("year", [])],
        }
        for key, cols in reader.rows.items()
    }
