"""navigator.search.explain: which single filter emptied a search."""

import datetime as dt

from tests.test_search import DENVER, directory_of, entry, meeting

from navigator.search.explain import relaxations
from navigator.search.places import resolve_place
from navigator.search.share import SearchSettings

MONDAY_NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=DENVER)


def na_meeting(entry_id, days, start, **fields):
    found = meeting(entry_id, days, start, **fields)
    found["meeting"]["fellowship"] = "na"
    return found


def test_spanish_na_tonight_names_each_filter_whose_removal_finds_meetings(tmp_path):
    loaded = directory_of(
        tmp_path,
        na_meeting("na-english-tonight", ["mon"], "19:00", languages=["en"]),
        meeting("aa-spanish-tonight", ["mon"], "19:00", languages=["es"]),
        na_meeting("na-spanish-morning", ["tue"], "08:00", languages=["es"]),
    )
    settings = SearchSettings(near="80222", needs=("na",), language="es", when="tonight")
    found = relaxations(loaded, settings, resolve_place("80222"), MONDAY_NOON)
    assert {(item.kind, item.value, item.total) for item in found} == {
        ("need", "na", 1),
        ("language", "es", 1),
        ("when", "tonight", 1),
    }
    dropped_na = next(item for item in found if item.kind == "need")
    assert dropped_na.settings == SearchSettings(near="80222", language="es", when="tonight")


def test_a_payment_need_is_met_by_a_free_service_and_reads_free(tmp_path):
    from navigator.search.engine import Query, search

    loaded = directory_of(
        tmp_path,
        entry("insured", payment=["private_insurance"]),
        entry("free-clinic", payment=["free"]),
        entry("cash-only", payment=["self_pay"]),
        meeting("meeting", ["mon"], "19:00"),
    )
    result = search(loaded, Query(near="80222", needs=("private_insurance",)))
    assert {hit.id for hit in result.hits} == {"insured", "free-clinic", "meeting"}
    assert {hit.id: hit.matched for hit in result.hits}["meeting"] == ("free",)


def test_a_time_of_day_that_empties_the_list_is_named_and_dropping_exactly_it_finds_the_meeting(tmp_path):
    loaded = directory_of(tmp_path, na_meeting("na-saturday-morning", ["sat"], "09:00"))
    settings = SearchSettings(near="80222", needs=("na",), when="saturday", time="evening")
    found = relaxations(loaded, settings, resolve_place("80222"), MONDAY_NOON)
    assert [(item.kind, item.value, item.total) for item in found] == [("time", "evening", 1)]
    assert found[0].settings == SearchSettings(near="80222", needs=("na",), when="saturday")
