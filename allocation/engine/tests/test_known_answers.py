"""Published apportionment examples, reproduced with their published results.

Every figure below was read from the source cited next to it; none is invented.
"""

from __future__ import annotations

import pytest

from allocation.engine import allocate

from .helpers import apportion_population, population_input

# 1790 census apportionment populations of the 15 states (total 3,615,920). Source: the
# table "United States population figures from the 1790 U.S. Census" reproduced in the
# classic exercise "The First Apportionment of the House of Representatives" (Tannenbaum,
# Excursions in Modern Mathematics); the same figures give exactly the quotas printed in
# COMAP, "For All Practical Purposes", 10th ed., ch. 14, Example 6, Table 14.5 (checked
# below), so they are the figures that the published results were computed from.
US_1790 = {
    "Connecticut": 236841,
    "Delaware": 55540,
    "Georgia": 70835,
    "Kentucky": 68705,
    "Maryland": 278514,
    "Massachusetts": 475327,
    "New Hampshire": 141822,
    "New Jersey": 179570,
    "New York": 331589,
    "North Carolina": 353523,
    "Pennsylvania": 432879,
    "Rhode Island": 68446,
    "South Carolina": 206236,
    "Vermont": 85533,
    "Virginia": 630560,
}


def test_1790_quotas_match_the_published_table():
    """COMAP, For All Practical Purposes (10th ed.), Example 6, Table 14.5: quotas for 120."""
    published = {
        "New Jersey": "5.959",
        "Virginia": "20.926",
        "Connecticut": "7.860",
        "South Carolina": "6.844",
        "Delaware": "1.843",
        "Vermont": "2.839",
        "Massachusetts": "15.774",
        "North Carolina": "11.732",
        "New Hampshire": "4.707",
        "Pennsylvania": "14.366",
        "Georgia": "2.351",
        "Kentucky": "2.280",
        "Rhode Island": "2.271",
        "Maryland": "9.243",
        "New York": "11.004",
    }
    result = allocate(population_input(US_1790, 120, "hamilton"))
    for muni in result.municipalities:
        assert f"{float(muni.quota):.3f}" == published[muni.code]
    assert sum(US_1790.values()) == 3_615_920


def test_hamilton_1792_vetoed_bill_of_120_seats():
    """The vetoed 1792 bill, Hamilton's method, 120 seats.

    COMAP, For All Practical Purposes (10th ed.), ch. 14, Example 6, Table 14.5; the same
    numbers per state are listed by the National Archives, "The 1790 Census and the First
    Veto" (Prologue blog, 4 April 2022).
    """
    assert apportion_population(US_1790, 120, "hamilton") == {
        "New Jersey": 6,
        "Virginia": 21,
        "Connecticut": 8,
        "South Carolina": 7,
        "Delaware": 2,
        "Vermont": 3,
        "Massachusetts": 16,
        "North Carolina": 12,
        "New Hampshire": 5,
        "Pennsylvania": 14,
        "Georgia": 2,
        "Kentucky": 2,
        "Rhode Island": 2,
        "Maryland": 9,
        "New York": 11,
    }


def test_jefferson_1792_act_of_105_seats_is_dhondt():
    """The Apportionment Act of 1792: Jefferson's method (= D'Hondt), 105 seats.

    St. George Tucker, Blackstone's Commentaries (1803), vol. 1, appendix note D, table
    "Representation according to the First Census" (constitution.org/tb/t1d04056.htm);
    MAA Convergence, "Apportioning Representatives in the United States Congress -
    Jefferson's Method of Apportionment" (divisor 33,000).
    """
    assert apportion_population(US_1790, 105, "dhondt") == {
        "New Hampshire": 4,
        "Massachusetts": 14,
        "Rhode Island": 2,
        "Connecticut": 7,
        "New York": 10,
        "New Jersey": 5,
        "Pennsylvania": 13,
        "Delaware": 1,
        "Maryland": 8,
        "Virginia": 19,
        "North Carolina": 10,
        "South Carolina": 6,
        "Georgia": 2,
        "Vermont": 2,
        "Kentucky": 2,
    }


def test_hamilton_at_105_differs_from_jefferson_only_for_virginia_and_delaware():
    """MAA Convergence, Jefferson's Method page: "If Hamilton's method had been applied in
    1792 to a House of size 105, 13 of the 15 states would have been assigned the same
    number ... It was Virginia that benefited under Jefferson ... while Delaware would have
    gained a seat under Hamilton that it instead lost to Virginia."
    """
    hamilton = apportion_population(US_1790, 105, "hamilton")
    jefferson = apportion_population(US_1790, 105, "dhondt")
    differ = {state for state in US_1790 if hamilton[state] != jefferson[state]}
    assert differ == {"Virginia", "Delaware"}
    assert hamilton["Delaware"] == jefferson["Delaware"] + 1
    assert hamilton["Virginia"] == jefferson["Virginia"] - 1


# 2020 Census apportionment population per state (total 331,108,434) and the seats
# apportioned by the method of equal proportions (Huntington-Hill), U.S. Census Bureau,
# "2020 Census Apportionment Results", Table 1 (census.gov/data/tables/2020/dec/
# 2020-apportionment-data.html), as transcribed in github.com/alecramsay/MM2
# data/census/2020_census.csv and "Reapportionment for 2020 Census.csv".
US_2020 = {
    "AL": (5030053, 7), "AK": (736081, 1), "AZ": (7158923, 9), "AR": (3013756, 4),
    "CA": (39576757, 52), "CO": (5782171, 8), "CT": (3608298, 5), "DE": (990837, 1),
    "FL": (21570527, 28), "GA": (10725274, 14), "HI": (1460137, 2), "ID": (1841377, 2),
    "IL": (12822739, 17), "IN": (6790280, 9), "IA": (3192406, 4), "KS": (2940865, 4),
    "KY": (4509342, 6), "LA": (4661468, 6), "ME": (1363582, 2), "MD": (6185278, 8),
    "MA": (7033469, 9), "MI": (10084442, 13), "MN": (5709752, 8), "MS": (2963914, 4),
    "MO": (6160281, 8), "MT": (1085407, 2), "NE": (1963333, 3), "NV": (3108462, 4),
    "NH": (1379089, 2), "NJ": (9294493, 12), "NM": (2120220, 3), "NY": (20215751, 26),
    "NC": (10453948, 14), "ND": (779702, 1), "OH": (11808848, 15), "OK": (3963516, 5),
    "OR": (4241500, 6), "PA": (13011844, 17), "RI": (1098163, 2), "SC": (5124712, 7),
    "SD": (887770, 1), "TN": (6916897, 9), "TX": (29183290, 38), "UT": (3275252, 4),
    "VT": (643503, 1), "VA": (8654542, 11), "WA": (7715946, 10), "WV": (1795045, 2),
    "WI": (5897473, 8), "WY": (577719, 1),
}  # fmt: skip


def test_us_2020_census_huntington_hill_435_seats():
    """Huntington-Hill with infinite priority for a first seat gives every state one seat
    first, as the Census Bureau does; the 435 seats match Table 1."""
    populations = {state: pop for state, (pop, _) in US_2020.items()}
    assert sum(populations.values()) == 331_108_434
    seats = apportion_population(populations, 435, "huntington-hill")
    assert seats == {state: reps for state, (_, reps) in US_2020.items()}


# Honikel, "Staatsrecht: Berechnungsbeispiele - Loesungen" (staatsrecht.honikel.de/en/
# berechnungsbeispiele-loesungen.htm): parties A 6,100, B 5,000, C 900 votes, 10 seats.
HONIKEL = {"A": 6100, "B": 5000, "C": 900}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("sainte-lague", {"A": 5, "B": 4, "C": 1}),
        ("hamilton", {"A": 5, "B": 4, "C": 1}),
        ("dhondt", {"A": 6, "B": 4, "C": 0}),
    ],
)
def test_honikel_worked_example(method, expected):
    assert apportion_population(HONIKEL, 10, method) == expected


def test_sainte_lague_electoral_reform_wiki_example():
    """Electoral Reform wiki (Fandom), "Sainte-Lague Method": 10 seats among 25,000,
    19,000, 12,000 and 8,000 votes give 4, 3, 2 and 1 seats; "in this case the results do
    not differ" from D'Hondt."""
    votes = {"A": 25000, "B": 19000, "C": 12000, "D": 8000}
    expected = {"A": 4, "B": 3, "C": 2, "D": 1}
    assert apportion_population(votes, 10, "sainte-lague") == expected
    assert apportion_population(votes, 10, "dhondt") == expected


def test_sainte_lague_electowiki_35_seat_example():
    """Electowiki, "Sainte-Lague method", 35-seat example: 503, 304 and 193 votes give
    17, 11 and 7 seats."""
    votes = {"A": 503, "B": 304, "C": 193}
    assert apportion_population(votes, 35, "sainte-lague") == {"A": 17, "B": 11, "C": 7}
