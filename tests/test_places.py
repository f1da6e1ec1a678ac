import json
import os
import stat
import threading
from types import SimpleNamespace

import pytest
import zipcodes
from geopy.exc import GeocoderTimedOut, GeocoderUnavailable

from navigator.search.geocoder import (
    NOMINATIM_LIMITER,
    NominatimGeocoder,
    address_key,
    configured_geocoder,
    nominatim_rate_limiter,
)
from navigator.search.places import (
    US_STATE_TIMEZONES,
    Place,
    PlaceNotFound,
    resolve_place,
    suggestion_label,
    timezone_for,
    zip_centroid,
)
from navigator.settings import load_settings

# Offline ---------------------------------------------------------------------------------------


def test_zip_resolves_to_its_centroid_with_state_and_zone():
    place = resolve_place("80222")
    assert (place.lat, place.lon) == pytest.approx((39.671, -104.9279))
    assert place.label == "80222 Denver, CO"
    assert (place.state, place.zip, place.timezone, place.approximate) == (
        "CO",
        "80222",
        "America/Denver",
        True,
    )


def test_zip_with_leading_zero_resolves_to_its_centroid():
    place = resolve_place("02134")
    assert place.zip == "02134" and place.state == "MA"
    assert place.lat == pytest.approx(42.3535)


def test_zip_plus_four_resolves_to_the_five_digit_zip():
    assert resolve_place(" 80222-1234 ") == resolve_place("80222")


def test_unknown_zip_is_not_found_and_says_what_works_offline():
    with pytest.raises(PlaceNotFound) as raised:
        resolve_place("99999")
    message = str(raised.value)
    assert message.startswith('"99999" is not a ZIP code, "City, ST" or "LAT,LON" we know.')
    assert "street addresses need an online geocoder set up by the operator" in message


def test_military_zip_without_a_position_is_not_found():
    with pytest.raises(PlaceNotFound):
        resolve_place("09001")


@pytest.mark.parametrize("typed", ["", "   "])
def test_empty_place_is_not_found(typed):
    with pytest.raises(PlaceNotFound, match="empty place"):
        resolve_place(typed)


@pytest.mark.parametrize("typed", ["Denver, CO", "denver, co", "DENVER CO", "Denver,CO"])
def test_city_resolves_to_the_centroid_of_its_zips_in_any_case(typed):
    place = resolve_place(typed)
    assert place.label == "Denver, CO"
    assert (place.state, place.zip, place.timezone, place.approximate) == (
        "CO",
        None,
        "America/Denver",
        True,
    )
    assert place.lat == pytest.approx(39.74, abs=0.05) and place.lon == pytest.approx(-104.98, abs=0.05)


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Colorado Springs, CO", "Colorado Springs, CO"),
        ("St. Louis, MO", "Saint Louis, MO"),
        ("Saint Louis, MO", "Saint Louis, MO"),
        ("Winston-Salem, NC", "Winston Salem, NC"),
        ("Ft Collins, CO", "Fort Collins, CO"),
        ("Coeur d'Alene, ID", "Coeur D Alene, ID"),
    ],
)
def test_two_word_and_abbreviated_city_names_resolve(typed, label):
    assert resolve_place(typed).label == label


def test_city_known_only_as_an_acceptable_name_resolves():
    # Boston's ZIPs are mostly filed under neighbourhoods (Allston, Dorchester...) with Boston
    # as an acceptable name.
    boston = resolve_place("Boston, MA")
    assert boston.lat == pytest.approx(42.35, abs=0.1)


def test_city_in_the_wrong_state_is_not_found():
    with pytest.raises(PlaceNotFound, match='"Denver, ZZ"'):
        resolve_place("Denver, ZZ")


def test_coordinates_resolve_exactly_with_spaces_allowed():
    place = resolve_place(" 39.67 , -104.93 ")
    assert place == Place(39.67, -104.93, "39.67, -104.93", "CO", None, "America/Denver")
    assert not place.approximate


def test_coordinates_out_of_range_are_not_a_place():
    with pytest.raises(PlaceNotFound, match="latitude goes from -90 to 90"):
        resolve_place("95.1,-104.9")


def test_street_address_without_geocoder_is_not_found_offline():
    with pytest.raises(PlaceNotFound, match="Offline, only ZIP codes"):
        resolve_place("1234 E Colfax Ave, Denver, CO")


def test_a_street_address_holding_a_zip_falls_back_to_that_zip_offline():
    place = resolve_place("1234 E Colfax Ave, Denver, CO 80218")
    assert place.zip == "80218" and place.zip_from_text and place.approximate


def test_places_not_understood_carry_the_nearest_known_places():
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("Springfield")
    assert {"Springfield, IL", "Springfield, MA", "Springfield, MO"} <= set(caught.value.suggestions)
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("Denvr, CO")
    assert caught.value.suggestions == ("Denver, CO",)
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("00000")
    assert caught.value.kind == "unknown_zip"


def test_a_zip_not_in_use_offers_the_nearest_in_use_of_its_area_and_a_made_up_area_none():
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("80200")  # Denver's area; 80200 itself is not in use
    assert caught.value.kind == "unknown_zip"
    assert caught.value.suggestions[:2] == ("80201", "80202")
    assert len(caught.value.suggestions) == 4
    assert all(code.startswith("802") for code in caught.value.suggestions)
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("00000")
    assert caught.value.suggestions == ()


def test_a_suggested_zip_reads_with_its_city_and_a_suggested_city_as_itself():
    assert suggestion_label("80202") == "80202 Denver, CO"
    assert suggestion_label("Denver, CO") == "Denver, CO"


def test_zip_centroid_is_approximate_and_unknown_zip_is_none():
    assert zip_centroid("80218").approximate
    assert zip_centroid("00000") is None


def test_every_zip_code_with_a_position_resolves_to_that_position():
    positioned = [
        (record["zip_code"], float(record["lat"]), float(record["long"]))
        for record in zipcodes.list_all()
        if float(record["lat"] or 0) or float(record["long"] or 0)
    ]
    assert len(positioned) > 40_000
    misplaced = [
        zip5 for zip5, lat, lon in positioned if (zip_centroid(zip5).lat, zip_centroid(zip5).lon) != (lat, lon)
    ]
    assert misplaced == []


@pytest.mark.parametrize(
    ("zip5", "state", "zone"),
    [
        ("85001", "AZ", "America/Phoenix"),
        ("46204", "IN", "America/Indiana/Indianapolis"),
        ("99634", "AK", "America/Anchorage"),  # the data gives a town's name instead of a zone
        (None, "co", "America/Denver"),
        ("00000", "HI", "Pacific/Honolulu"),
        (None, "PR", "America/Puerto_Rico"),
        (None, None, None),
        (None, "ZZ", None),
    ],
)
def test_timezone_comes_from_the_zip_then_the_state(zip5, state, zone):
    assert timezone_for(zip5, state) == zone


def test_every_state_and_territory_has_a_real_zone_matching_most_of_its_zips():
    assert len(US_STATE_TIMEZONES) == 50 + 1 + 8  # states, DC, PR and the territories
    counts: dict[str, dict[str, int]] = {}
    for record in zipcodes.list_all():
        zones = counts.setdefault(record["state"], {})
        zones[record["timezone"]] = zones.get(record["timezone"], 0) + 1
    for state, zone in US_STATE_TIMEZONES.items():
        assert zone == max(counts[state], key=counts[state].get), state


# Online, with fakes: nothing here reaches the network -------------------------------------------


class FakeNominatim:
    """Stands in for geopy's Nominatim: answers from a dict and counts the calls."""

    def __init__(self, answers=None, error=None):
        self.answers = answers or {}
        self.error = error
        self.calls = []

    def geocode(self, query, **options):
        self.calls.append((query, options))
        if self.error:
            raise self.error
        found = self.answers.get(query)
        if found is None:
            return None
        lat, lon, address = found
        return SimpleNamespace(latitude=lat, longitude=lon, address="full text", raw={"address": address})


COLFAX = "1234 E Colfax Ave, Denver, CO"
COLFAX_FOUND = (
    39.7402,
    -104.9701,
    {
        "house_number": "1234",
        "road": "East Colfax Avenue",
        "city": "Denver",
        "state": "Colorado",
        "ISO3166-2-lvl4": "US-CO",
        "postcode": "80218",
    },
)


class FakeClock:
    """Stands in for the cache's clock and the rate limiter's: sleeping only moves it on."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def on_fake_time(limiter, clock):
    """The limiter, reading ``clock`` and sleeping on it: geopy's RateLimiter reads the time and
    sleeps through these two methods, the ones geopy's own tests patch."""
    limiter._clock = clock
    limiter._sleep = clock.sleep
    return limiter


def make_geocoder(tmp_path, nominatim, clock=None, limiter=None):
    clock = clock or FakeClock()
    return NominatimGeocoder(
        "recovery-navigator-tests (ops@example.org)",
        tmp_path / "cache",
        nominatim=nominatim,
        limiter=limiter or on_fake_time(nominatim_rate_limiter(), clock),
        clock=clock,
    )


def test_address_goes_to_the_geocoder_and_names_only_the_locality(tmp_path):
    nominatim = FakeNominatim({COLFAX: COLFAX_FOUND})
    place = resolve_place(COLFAX, make_geocoder(tmp_path, nominatim))
    assert place == Place(39.7402, -104.9701, "Address near Denver, CO 80218", "CO", None, "America/Denver")
    assert nominatim.calls == [(COLFAX, {"exactly_one": True, "addressdetails": True, "country_codes": "us"})]


def test_offline_forms_never_reach_the_geocoder(tmp_path):
    nominatim = FakeNominatim()
    geocoder = make_geocoder(tmp_path, nominatim)
    for typed in ("80222", "Denver, CO", "39.67,-104.93"):
        resolve_place(typed, geocoder)
    assert nominatim.calls == []


def test_address_the_geocoder_cannot_find_is_not_found(tmp_path):
    with pytest.raises(PlaceNotFound, match="the address geocoder found nothing"):
        resolve_place("1 Nowhere Lane, Atlantis", make_geocoder(tmp_path, FakeNominatim()))


@pytest.mark.parametrize(
    "error",
    [GeocoderTimedOut("timed out"), GeocoderUnavailable("no route"), ConnectionResetError("reset")],
)
def test_network_trouble_is_a_clear_place_not_found(tmp_path, error):
    with pytest.raises(PlaceNotFound, match="the geocoder could not be reached: .*"):
        resolve_place(COLFAX, make_geocoder(tmp_path, FakeNominatim(error=error)))


def test_same_address_never_goes_to_the_network_twice(tmp_path):
    nominatim = FakeNominatim({COLFAX: COLFAX_FOUND})
    first = make_geocoder(tmp_path, nominatim)
    assert first.geocode(COLFAX) == first.geocode("  1234 e colfax ave ,denver, co ")
    # A new geocoder on the same cache folder (another process, a restart) finds it on disk.
    assert make_geocoder(tmp_path, nominatim).geocode(COLFAX) == (
        39.7402,
        -104.9701,
        "Address near Denver, CO 80218",
    )
    assert len(nominatim.calls) == 1


def test_disk_cache_keeps_a_hash_and_no_address_text(tmp_path):
    geocoder = make_geocoder(tmp_path, FakeNominatim({COLFAX: COLFAX_FOUND}))
    geocoder.geocode(COLFAX)
    text = geocoder.cache_path.read_text()
    assert "Colfax" not in text and "1234" not in text
    assert address_key(COLFAX) in json.loads(text)["addresses"]
    assert stat.S_IMODE(os.stat(geocoder.cache_path).st_mode) == 0o600


def test_address_not_found_is_asked_again_only_after_an_hour(tmp_path):
    clock = FakeClock()
    nominatim = FakeNominatim()
    geocoder = make_geocoder(tmp_path, nominatim, clock)
    assert geocoder.geocode("1 Nowhere Lane") is None
    clock.now += 3000
    assert geocoder.geocode("1 Nowhere Lane") is None
    assert len(nominatim.calls) == 1
    clock.now += 700
    assert geocoder.geocode("1 Nowhere Lane") is None
    assert len(nominatim.calls) == 2


def test_expired_misses_are_dropped_from_the_cache_file(tmp_path):
    clock = FakeClock()
    geocoder = make_geocoder(tmp_path, FakeNominatim({COLFAX: COLFAX_FOUND}), clock)
    geocoder.geocode("1 Nowhere Lane")
    clock.now += 3700
    geocoder.geocode(COLFAX)
    kept = json.loads(geocoder.cache_path.read_text())["addresses"]
    assert list(kept) == [address_key(COLFAX)]


def test_network_errors_are_not_cached(tmp_path):
    failing = FakeNominatim(error=GeocoderUnavailable("down"))
    with pytest.raises(PlaceNotFound):
        make_geocoder(tmp_path, failing).geocode(COLFAX)
    working = FakeNominatim({COLFAX: COLFAX_FOUND})
    assert make_geocoder(tmp_path, working).geocode(COLFAX) is not None


def test_unreadable_cache_is_kept_aside_not_overwritten(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "geocoded-addresses.json").write_text("{not json")
    geocoder = make_geocoder(tmp_path, FakeNominatim({COLFAX: COLFAX_FOUND}))
    assert geocoder.geocode(COLFAX) is not None
    assert (cache / "geocoded-addresses.json.unreadable").read_text() == "{not json"
    assert address_key(COLFAX) in json.loads((cache / "geocoded-addresses.json").read_text())["addresses"]


def test_lookups_wait_out_the_rest_of_the_second(tmp_path):
    clock = FakeClock()
    nominatim = FakeNominatim()
    geocoder = make_geocoder(tmp_path, nominatim, clock)
    geocoder.geocode("1 Main St")
    clock.now += 0.25
    geocoder.geocode("2 Main St")
    geocoder.geocode("3 Main St")
    clock.now += 5
    geocoder.geocode("4 Main St")
    assert clock.sleeps == [pytest.approx(0.75), pytest.approx(1.0)]
    assert len(nominatim.calls) == 4


def test_an_address_found_in_the_cache_waits_for_no_turn(tmp_path):
    clock = FakeClock()
    geocoder = make_geocoder(tmp_path, FakeNominatim({COLFAX: COLFAX_FOUND}), clock)
    geocoder.geocode(COLFAX)
    geocoder.geocode(COLFAX)
    assert clock.sleeps == []


def test_a_failed_lookup_is_reported_at_once_not_retried(tmp_path):
    clock = FakeClock()
    nominatim = FakeNominatim(error=GeocoderUnavailable("down"))
    with pytest.raises(PlaceNotFound, match="could not be reached"):
        make_geocoder(tmp_path, nominatim, clock).geocode(COLFAX)
    assert len(nominatim.calls) == 1 and clock.sleeps == []


def test_one_limiter_spaces_the_lookups_of_every_geocoder_in_the_process(tmp_path, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(NOMINATIM_LIMITER, "_clock", clock)
    monkeypatch.setattr(NOMINATIM_LIMITER, "_sleep", clock.sleep)
    monkeypatch.setattr(NOMINATIM_LIMITER, "_last_call", None)
    # Geocoders as the app and the command line make them: each its own Nominatim and user agent.
    one = NominatimGeocoder("app-a", tmp_path / "a", nominatim=FakeNominatim(), clock=clock)
    other = NominatimGeocoder("app-b", tmp_path / "b", nominatim=FakeNominatim(), clock=clock)
    one.geocode("1 Main St")
    other.geocode("2 Main St")
    assert clock.sleeps == [pytest.approx(1.0)]


def test_geocoders_sharing_a_limiter_space_their_requests_across_threads(tmp_path):
    clock = FakeClock()
    limiter = on_fake_time(nominatim_rate_limiter(), clock)
    geocoders = [
        NominatimGeocoder("app", tmp_path / name, nominatim=FakeNominatim(), limiter=limiter, clock=clock)
        for name in ("a", "b")
    ]
    threads = [threading.Thread(target=geocoder.geocode, args=("1 Main St",)) for geocoder in geocoders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.sleeps == [pytest.approx(1.0)]


def test_geocoder_needs_the_operators_user_agent(tmp_path):
    with pytest.raises(ValueError, match="user agent"):
        NominatimGeocoder("  ", tmp_path)


def test_geocoder_is_off_unless_the_operator_sets_a_user_agent(tmp_path):
    assert configured_geocoder(load_settings({})) is None
    assert configured_geocoder(load_settings({"NAVIGATOR_GEOCODER_USER_AGENT": " "})) is None
    geocoder = configured_geocoder(
        load_settings(
            {
                "NAVIGATOR_GEOCODER_USER_AGENT": "navigator (ops@example.org)",
                "NAVIGATOR_CACHE_DIR": str(tmp_path),
            }
        )
    )
    assert geocoder.cache_path == tmp_path / "geocoded-addresses.json"
    assert geocoder._nominatim.headers["User-Agent"] == "navigator (ops@example.org)"


def test_geocoder_cache_defaults_to_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    geocoder = configured_geocoder(load_settings({"NAVIGATOR_GEOCODER_USER_AGENT": "navigator (ops@example.org)"}))
    assert geocoder.cache_path == tmp_path / ".cache" / "recovery-navigator" / "geocoded-addresses.json"


def test_coordinates_take_the_state_and_time_zone_of_the_nearest_zip():
    place = resolve_place("39.74,-104.97")
    assert (place.lat, place.lon) == (39.74, -104.97)
    assert place.state == "CO" and place.timezone == "America/Denver" and place.zip is None


def test_coordinates_far_from_any_zip_have_no_state():
    place = resolve_place("30.0,-40.0")  # mid-Atlantic
    assert place.state is None and place.timezone is None


def test_a_process_given_a_pickled_zip_index_places_zips_without_reading_the_package(monkeypatch):
    from navigator.search import places

    places.zip_centroid("10001")  # this process's index is loaded
    pickled = places.pickled_zip_index()
    assert pickled is not None
    monkeypatch.setattr(places.zipcodes, "similar_to", lambda *_: pytest.fail("the zipcodes package was read"))
    try:
        places.adopt_zip_index(pickled)
        centroid = places.zip_centroid("80222")
        assert centroid.state == "CO" and centroid.timezone == "America/Denver"
    finally:
        places._ADOPTED_ZIP_INDEX.clear()
        places._zip_index.cache_clear()


def test_a_later_process_reads_the_zip_index_from_the_cache_folder_not_the_package(monkeypatch):
    # Before: every process read the zipcodes package (most of a second of CPU and some 65 MB),
    # each worker of every cold load included.
    from navigator.search import places

    places._zip_index.cache_clear()
    try:
        built = list(places._zip_index().items())
        places._zip_index.cache_clear()  # as a new process starts
        monkeypatch.setattr(places.zipcodes, "similar_to", lambda *_: pytest.fail("the zipcodes package was read"))
        assert list(places._zip_index().items()) == built  # the same rows in the same order
    finally:
        places._zip_index.cache_clear()


def test_a_damaged_stored_zip_index_is_built_again(monkeypatch):
    from navigator.search import places

    places._zip_index.cache_clear()
    try:
        expected = list(places._zip_index().items())
        places._zip_index_file().write_bytes(b"not a pickle")
        places._zip_index.cache_clear()
        reads = []
        original = places.zipcodes.similar_to
        monkeypatch.setattr(places.zipcodes, "similar_to", lambda *a: reads.append(a) or original(*a))
        assert list(places._zip_index().items()) == expected and reads
    finally:
        places._zip_index.cache_clear()
