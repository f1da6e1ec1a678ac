"""The geocoder on several servers: one cache in the database and Nominatim's one request a second
shared by every server (fakes stand in for Nominatim; the database is real)."""

from __future__ import annotations

from tests.test_places import COLFAX, COLFAX_FOUND, FakeNominatim

from navigator.database.pool import database
from navigator.search.geocoder import address_key
from navigator.search.places import resolve_place
from navigator.search.shared_geocoder import DatabaseSpacing, SharedNominatimGeocoder

AGENT = "recovery-navigator-tests (ops@example.org)"


class Sleeps:
    def __init__(self):
        self.seconds = []

    def __call__(self, seconds):
        self.seconds.append(seconds)


def test_an_address_looked_up_on_one_server_is_answered_from_the_database_on_another(database_url):
    first, second = FakeNominatim({COLFAX: COLFAX_FOUND}), FakeNominatim({COLFAX: COLFAX_FOUND})
    server_a = SharedNominatimGeocoder(AGENT, database_url, nominatim=first, limiter=DatabaseSpacing(database_url))
    server_b = SharedNominatimGeocoder(AGENT, database_url, nominatim=second, limiter=DatabaseSpacing(database_url))

    found_a = resolve_place(COLFAX, server_a)
    found_b = resolve_place(COLFAX, server_b)

    assert found_a == found_b and found_b.label == "Address near Denver, CO 80218"
    assert len(first.calls) == 1 and second.calls == []
    with database(database_url).connection() as connection:
        rows = connection.execute("SELECT key, entry::text AS entry FROM geocode_cache").fetchall()
    assert [row["key"] for row in rows] == [address_key(COLFAX)]
    assert "Colfax" not in rows[0]["entry"] and "1234" not in rows[0]["entry"]  # no address text kept


def test_requests_from_two_servers_are_spaced_a_second_apart(database_url):
    sleeps_a, sleeps_b = Sleeps(), Sleeps()
    server_a, server_b = DatabaseSpacing(database_url, sleep=sleeps_a), DatabaseSpacing(database_url, sleep=sleeps_b)
    calls = []

    server_a(calls.append, "a")
    server_b(calls.append, "b")  # at once, on another server: waits for its turn
    server_a(calls.append, "c")  # and the next takes the turn after that

    assert calls == ["a", "b", "c"]
    assert len(sleeps_a.seconds) == 1 and len(sleeps_b.seconds) == 1  # the first turn waits for nothing
    assert 0.5 < sleeps_b.seconds[0] <= 1.0
    assert 1.5 < sleeps_a.seconds[-1] <= 2.0
