import datetime as dt
from dataclasses import replace
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import BUNDLED_DIRECTORY

from navigator.directory.vocabulary import load_vocabulary
from navigator.i18n import use_language
from navigator.search.places import Place
from navigator.search.share import (
    EXCLUSIVE_CHOICES,
    SearchSettings,
    exclusive_choice_of,
    from_params,
    query_string,
    to_params,
    to_query,
)

DENVER = ZoneInfo("America/Denver")
DENVER_PLACE = Place(39.67, -104.93, "80222 Denver, CO", "CO", "80222", "America/Denver", True)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(BUNDLED_DIRECTORY)


def test_a_search_survives_the_trip_through_the_url(vocabulary):
    settings = SearchSettings(
        near="Denver, CO",
        radius="transit",
        needs=("buprenorphine", "medicaid"),
        language="es",
        when="open_now",
        remote=False,
    )
    link = parse_qs(query_string(settings))
    params = {key: values[-1] for key, values in link.items()}
    assert from_params(params, vocabulary) == (settings, [])


def test_defaults_stay_out_of_the_link():
    assert to_params(SearchSettings(near="80222")) == {"near": "80222"}
    assert to_params(SearchSettings()) == {}


def test_the_link_holds_only_the_search(vocabulary):
    settings = SearchSettings("80222", "walk", ("aa",), "vi", "tonight", False)
    assert set(to_params(settings)) == {"near", "radius", "needs", "language", "when", "remote"}
    assert query_string(settings, entry="co-den-x").endswith("&entry=co-den-x")


def test_an_unknown_need_is_left_out_and_named_with_the_closest_known_one(vocabulary):
    settings, notices = from_params({"near": "80222", "needs": "buprenorphin,medicaid"}, vocabulary)
    assert settings.needs == ("medicaid",)
    assert len(notices) == 1
    assert '"buprenorphin"' in notices[0] and "Buprenorphine (Suboxone, Sublocade)" in notices[0]


def test_an_unknown_distance_falls_back_to_driving(vocabulary):
    settings, notices = from_params({"near": "80222", "radius": "12"}, vocabulary)
    assert settings.radius == "drive" and settings.radius_miles == 25
    assert '"12"' in notices[0]


def test_a_second_fellowship_is_left_out_because_every_need_must_hold(vocabulary):
    settings, notices = from_params({"needs": "aa,na,online"}, vocabulary)
    assert settings.needs == ("aa", "online")
    assert "Narcotics Anonymous (NA)" in notices[0] and "Alcoholics Anonymous (AA)" in notices[0]


def test_a_repeated_parameter_counts_by_its_last_value(vocabulary):
    settings, _ = from_params({"near": ["80218", "80222"]}, vocabulary)
    assert settings.near == "80222"


def test_a_language_the_directory_lacks_is_left_out(vocabulary):
    settings, notices = from_params({"language": "vi"}, vocabulary, languages={"en", "es"})
    assert settings.language is None and '"vi"' in notices[0]
    settings, notices = from_params({"language": "ES"}, vocabulary, languages={"en", "es"})
    assert settings.language == "es" and notices == []


def test_lang_is_the_screen_language_and_an_older_link_s_other_language_still_filters(vocabulary):
    # ?lang=es chooses the interface's language: it does not narrow the search to Spanish speakers.
    settings, notices = from_params({"lang": "es"}, vocabulary, languages={"en", "es", "vi"})
    assert settings.language is None and notices == []
    # Links from before the interface had languages put the spoken language in ``lang``.
    settings, notices = from_params({"lang": "vi"}, vocabulary, languages={"en", "es", "vi"})
    assert settings.language == "vi" and notices == []
    settings, _ = from_params({"lang": "es", "language": "vi"}, vocabulary, languages={"en", "es", "vi"})
    assert settings.language == "vi"


def test_link_notices_are_in_the_screen_language(vocabulary):
    with use_language("es"):
        _, notices = from_params({"needs": "bupe", "radius": "far"}, vocabulary)
    assert notices[0].startswith('La distancia "far" no es una de estas')
    assert notices[1].startswith('La necesidad "bupe" no es una que este directorio conozca')


def test_an_unknown_time_and_an_overlong_place_are_reported(vocabulary):
    settings, notices = from_params({"near": "x" * 300, "when": "someday"}, vocabulary)
    assert len(settings.near) == 100 and settings.when == "any"
    assert len(notices) == 2


def test_remote_services_are_included_unless_the_link_says_no(vocabulary):
    assert from_params({}, vocabulary)[0].remote
    assert not from_params({"remote": "0"}, vocabulary)[0].remote


def test_exclusive_choices_are_codes_of_the_vocabulary(vocabulary):
    for _, codes in EXCLUSIVE_CHOICES.values():
        assert set(codes) <= set(vocabulary.labels)
    assert exclusive_choice_of("narr_2") == "narr"
    assert exclusive_choice_of("medicaid") is None


def test_open_now_searches_at_this_instant():
    now = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    query, at = to_query(SearchSettings("80222", when="open_now"), DENVER_PLACE, now, limit=20)
    assert query.open_at == now and at == now and query.limit == 20
    assert query.starting_within_hours is None


def test_today_runs_until_midnight_on_the_searched_places_clock():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)
    query, at = to_query(SearchSettings("80222", when="today"), DENVER_PLACE, now, limit=20)
    assert at == now and query.open_at is None
    assert query.starting_within_hours == pytest.approx(8.5)


def test_tonight_asked_in_the_afternoon_searches_from_five():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)
    query, at = to_query(SearchSettings("80222", when="tonight"), DENVER_PLACE, now, limit=20)
    assert at == dt.datetime(2026, 11, 24, 17, 0, tzinfo=DENVER)
    assert query.starting_within_hours == pytest.approx(7)


def test_tonight_asked_in_the_evening_searches_from_now():
    now = dt.datetime(2026, 11, 24, 20, 0, tzinfo=DENVER)
    query, at = to_query(SearchSettings("80222", when="tonight"), DENVER_PLACE, now, limit=20)
    assert at == now and query.starting_within_hours == pytest.approx(4)


def test_a_day_of_the_week_searches_the_whole_of_its_next_occurrence():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)  # a Tuesday
    query, at = to_query(SearchSettings("80222", when="saturday"), DENVER_PLACE, now, limit=20)
    assert at == dt.datetime(2026, 11, 28, 0, 0, tzinfo=DENVER) and query.open_at is None
    assert query.starting_within_hours == pytest.approx(24)


def test_the_day_of_the_week_it_is_searches_from_now_until_midnight():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)  # a Tuesday
    query, at = to_query(SearchSettings("80222", when="tuesday"), DENVER_PLACE, now, limit=20)
    assert at == now and query.starting_within_hours == pytest.approx(8.5)


def test_a_day_of_the_week_survives_a_shared_link(vocabulary):
    settings, notices = from_params({"near": "80222", "when": "sunday"}, vocabulary)
    assert settings.when == "sunday" and not notices


def test_today_on_the_day_clocks_fall_back_counts_the_extra_hour():
    now = dt.datetime(2026, 11, 1, 0, 30, tzinfo=DENVER)  # clocks go back at 2:00 that night
    query, _ = to_query(SearchSettings("80222", when="today"), DENVER_PLACE, now, limit=20)
    assert query.starting_within_hours == pytest.approx(24.5)


def test_the_query_carries_distance_needs_language_and_remote():
    settings = SearchSettings("80222", "any", ("naloxone",), "es", "any", False)
    query, _ = to_query(settings, DENVER_PLACE, dt.datetime.now(dt.UTC), limit=40)
    assert (query.near, query.radius, query.needs, query.language, query.include_remote) == (
        "80222",
        None,
        ("naloxone",),
        "es",
        False,
    )


def test_a_street_address_never_goes_into_a_link_only_its_zip_or_rough_position():
    from navigator.search.places import Place
    from navigator.search.share import is_plain_place, public_near

    assert is_plain_place("80222") and is_plain_place("Denver, CO") and is_plain_place("39.67,-104.93")
    assert not is_plain_place("1550 S Pearl St, Denver")
    geocoded = Place(39.6887, -104.9805, "1550 S Pearl St", state="CO")
    assert public_near("1550 S Pearl St, Denver", geocoded) == "39.69,-104.98"
    assert public_near("1550 S Pearl St, Denver 80210", replace(geocoded, zip="80210")) == "80210"


# ---------------------------------------------------------------------------------------------
# Time of day: Meeting Guide's windows, on the searched place's clock


def windows_of(query) -> list[tuple[dt.datetime, dt.datetime, dt.datetime | None]]:
    def local(moment):
        return moment and moment.astimezone(DENVER)

    return [(local(window.begin), local(window.end), local(window.since)) for window in query.starting_in]


def test_a_time_of_day_survives_a_shared_link_beside_the_day_and_any_time_is_left_out(vocabulary):
    settings = SearchSettings("80222", when="saturday", time="evening")
    assert to_params(settings) == {"near": "80222", "when": "saturday", "time": "evening"}
    assert from_params(to_params(settings), vocabulary) == (settings, [])
    assert "time" not in to_params(SearchSettings("80222", when="saturday"))


def test_an_unknown_time_of_day_in_a_link_is_left_out_with_a_notice(vocabulary):
    settings, notices = from_params({"near": "80222", "when": "today", "time": "brunch"}, vocabulary)
    assert settings == SearchSettings("80222", when="today")
    assert notices == [
        'The time of day "brunch" is not one of any, morning, midday, evening, night, so it was left out.'
    ]


def test_saturday_evening_is_four_to_nine_on_saturday_on_the_searched_places_clock():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)  # a Tuesday
    query, at = to_query(SearchSettings("80222", when="saturday", time="evening"), DENVER_PLACE, now, limit=20)
    saturday_four = dt.datetime(2026, 11, 28, 16, 0, tzinfo=DENVER)
    assert windows_of(query) == [(saturday_four, dt.datetime(2026, 11, 28, 21, 0, tzinfo=DENVER), None)]
    assert at == saturday_four and query.starting_within_hours is None and query.open_at is None


def test_saturday_night_runs_past_midnight_to_five_on_sunday_morning():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)
    query, _ = to_query(SearchSettings("80222", when="saturday", time="night"), DENVER_PLACE, now, limit=20)
    assert windows_of(query) == [
        (dt.datetime(2026, 11, 28, 20, 0, tzinfo=DENVER), dt.datetime(2026, 11, 29, 5, 0, tzinfo=DENVER), None)
    ]


def test_any_day_with_a_time_of_day_is_every_such_window_of_the_coming_week():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)  # a Tuesday, after the morning
    query, at = to_query(SearchSettings("80222", time="morning"), DENVER_PLACE, now, limit=20)
    assert at == now
    assert windows_of(query) == [
        (dt.datetime(2026, 11, day, 4, 0, tzinfo=DENVER), dt.datetime(2026, 11, day, 12, 0, tzinfo=DENVER), None)
        for day in range(25, 31)
    ] + [(dt.datetime(2026, 12, 1, 4, 0, tzinfo=DENVER), dt.datetime(2026, 12, 1, 12, 0, tzinfo=DENVER), None)]


def test_a_window_under_way_starts_now_and_keeps_meetings_that_started_in_it():
    now = dt.datetime(2026, 11, 24, 18, 30, tzinfo=DENVER)
    query, at = to_query(SearchSettings("80222", when="today", time="evening"), DENVER_PLACE, now, limit=20)
    assert at == now
    assert windows_of(query) == [(now, dt.datetime(2026, 11, 24, 21, 0, tzinfo=DENVER), now.replace(hour=16, minute=0))]


def test_today_at_two_in_the_morning_still_has_the_rest_of_last_night_and_tonight():
    now = dt.datetime(2026, 11, 24, 2, 0, tzinfo=DENVER)
    query, _ = to_query(SearchSettings("80222", when="today", time="night"), DENVER_PLACE, now, limit=20)
    assert windows_of(query) == [
        (now, dt.datetime(2026, 11, 24, 5, 0, tzinfo=DENVER), dt.datetime(2026, 11, 23, 20, 0, tzinfo=DENVER)),
        (dt.datetime(2026, 11, 24, 20, 0, tzinfo=DENVER), dt.datetime(2026, 11, 25, 5, 0, tzinfo=DENVER), None),
    ]


def test_a_window_already_over_today_finds_nothing_today_and_next_weeks_on_that_weekday():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)  # a Tuesday afternoon
    today, _ = to_query(SearchSettings("80222", when="today", time="morning"), DENVER_PLACE, now, limit=20)
    assert today.starting_in == ()
    tonight, _ = to_query(SearchSettings("80222", when="tonight", time="midday"), DENVER_PLACE, now, limit=20)
    assert tonight.starting_in == ()
    tuesday, at = to_query(SearchSettings("80222", when="tuesday", time="morning"), DENVER_PLACE, now, limit=20)
    assert at == dt.datetime(2026, 12, 1, 4, 0, tzinfo=DENVER) and len(tuesday.starting_in) == 1


def test_tonight_with_a_time_of_day_begins_at_five_and_open_now_only_keeps_what_started_in_the_window():
    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=DENVER)
    tonight, at = to_query(SearchSettings("80222", when="tonight", time="evening"), DENVER_PLACE, now, limit=20)
    five, four = dt.datetime(2026, 11, 24, 17, 0, tzinfo=DENVER), dt.datetime(2026, 11, 24, 16, 0, tzinfo=DENVER)
    assert at == five and windows_of(tonight) == [(five, dt.datetime(2026, 11, 24, 21, 0, tzinfo=DENVER), four)]
    in_session, at = to_query(SearchSettings("80222", when="open_now", time="midday"), DENVER_PLACE, now, limit=20)
    assert at == now and windows_of(in_session) == [(now, now, dt.datetime(2026, 11, 24, 11, 0, tzinfo=DENVER))]


def test_the_night_the_clocks_fall_back_lasts_ten_hours():
    now = dt.datetime(2026, 10, 27, 12, 0, tzinfo=DENVER)  # clocks go back at 2:00 on Sunday, November 1
    query, _ = to_query(SearchSettings("80222", when="saturday", time="night"), DENVER_PLACE, now, limit=20)
    (window,) = query.starting_in
    assert window.end - window.begin == dt.timedelta(hours=10)
    assert window.end == dt.datetime(2026, 11, 1, 5, 0, tzinfo=DENVER)
