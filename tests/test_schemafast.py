"""The entry check's fast path (``schemafast``) against the full check (``schema._check_fully``).

The full check is the reference: it finds and words every problem. The fast path may only vouch
for an entry the full check passes, and ``check_entry`` must answer as the full check does for
any entry: valid ones from the bundled directory, the bench's synthetic directory and real
imports, and each of those with mistakes made in fields of every kind.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from functools import lru_cache

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import BUNDLED_DIRECTORY, SHARED_DATA

from navigator.bench.synthetic import synthetic_entries
from navigator.directory import implied as implied_module
from navigator.directory import schema
from navigator.directory.fields import (
    EMPLOYMENT_FIELDS,
    HOUSING_FIELDS,
    LOCATION_FIELDS,
    MEDICATIONS,
    MEETING_FIELDS,
    MOUD_FIELDS,
    PHONE_FIELDS,
    TOP_FIELDS,
)
from navigator.directory.loader import directory_files
from navigator.directory.schemafast import valid_parts
from navigator.directory.vocabulary import load_vocabulary

TODAY = dt.date(2027, 1, 15)  # after every date in the bundled directory


@lru_cache(maxsize=1)
def _vocabulary():
    return load_vocabulary(BUNDLED_DIRECTORY)


@lru_cache(maxsize=1)
def _valid_entries() -> tuple[dict, ...]:
    """Entries the full check passes (nearly all of them): the bundled directory's, synthetic ones
    of every category, and real feeds' meetings and treatment programs as imported (when
    ../shared/data is there)."""
    entries = []
    for path in directory_files(BUNDLED_DIRECTORY):
        entries.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    entries.extend(synthetic_entries(400, seed=16, today=TODAY))
    if SHARED_DATA.is_dir():
        from navigator.formats.meeting_guide import read_meeting_guide
        from navigator.formats.samhsa import read_samhsa

        entries.extend(read_meeting_guide(SHARED_DATA / "meeting-guide" / "sussexaa.json", today=TODAY).entries)
        entries.extend(read_meeting_guide(SHARED_DATA / "meeting-guide" / "aasfmarin.json", today=TODAY).entries[:200])
        entries.extend(read_samhsa(SHARED_DATA / "samhsa" / "otp-2015.csv", today=TODAY).entries[:200])
    vocabulary = _vocabulary()
    return tuple(entry for entry in entries if schema._check_fully(entry, vocabulary, TODAY)[0] == [])


def _outcome(check, entry):
    """What a check answers, or the exception it raises (the full check's own, for odd values)."""
    try:
        return check(entry, _vocabulary(), TODAY)
    except Exception as error:  # noqa: BLE001 - compared, not hidden
        return type(error)


# --- mistakes of every kind -----------------------------------------------------------------------

# Where a mistake can go, besides every path the entry already has: each field of each block.
_FIELD_PATHS = (
    *((field,) for field in TOP_FIELDS),
    *(("location", field) for field in LOCATION_FIELDS),
    *(("phones", 0, field) for field in PHONE_FIELDS),
    *(("moud", field) for field in MOUD_FIELDS),
    *(("meeting", field) for field in MEETING_FIELDS),
    *(("housing", field) for field in HOUSING_FIELDS),
    *(("housing", "medication_policy", medication) for medication in MEDICATIONS),
    *(("employment", field) for field in EMPLOYMENT_FIELDS),
    ("meeting", "times", 0, "start"),
    ("hours", 0, "opens"),
    ("hours", 0, "days"),
)

_TRICKY = (
    None,
    True,
    False,
    0,
    1,
    4,
    5,
    -1,
    10001,
    1.5,
    91.0,
    -181.0,
    math.nan,
    math.inf,
    "",
    " ",
    "   ",
    "x" * 21,
    "x" * 301,
    "x" * 501,
    "x" * 5001,
    "https://" + "x" * 5000,
    (TODAY + dt.timedelta(days=1)).isoformat(),  # tomorrow: allowed (a verifier a time zone ahead)
    (TODAY + dt.timedelta(days=2)).isoformat(),  # in the future
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "26-01-01",
    "unknown",
    "national",
    "XX",
    "co",
    "CO",
    "AZ",
    "80222",
    "8022",
    "00000",
    "https://example.org",
    "http://a b",
    "a@b.c",
    "a@b",
    "303-555-0100",
    "988",
    "abc",
    "24/7",
    "en",
    "english",
    "aa",
    "in_person",
    "hybrid",
    "online",
    "inactive",
    "otp",
    "buprenorphine",
    "allowed",
    "maybe",
    "women",
    "medicaid",
    "free",
    "adults",
    "crisis",
    "outpatient",
    "job_training",
    "support_meeting",
    "moud_provider",
    "recovery_housing",
    "America/Denver",
    "Mars/Base",
    "09:00",
    "25:00",
    "mon",
    [],
    [None],
    ["en"],
    ["medicaid"],
    ["CO", "AZ"],
    ["national"],
    [1],
    [[1]],
    [{}],
    [{"a": 1}],
    ["x" * 21],
    ["x" * 501],
    {},
    {"a": 1},
    {"number": "303-555-0100", "type": "intake"},
    [{"number": "303-555-0100", "type": "intake"}],
    [{"days": "mon", "opens": "09:00", "closes": "17:00"}],
    [{"days": ["sat"], "start": "10:00"}],
    {"city": "Denver", "state": "CO", "zip": "80222"},
    dt.date(2026, 1, 1),  # what a YAML date becomes where it is not quoted
)


def _paths(value, prefix=()):
    """Every path inside ``value`` (mapping keys and list indexes), the value's own first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mistaken(entry: dict, path: tuple, value, delete: bool) -> dict:
    """``entry`` with ``value`` at ``path`` (or without what is there), making the blocks on the way."""
    changed = copy.deepcopy(entry)
    parent = changed
    for step, following in zip(path[:-1], path[1:], strict=False):
        if isinstance(parent, dict):
            parent = parent.setdefault(step, [] if isinstance(following, int) else {})
        elif isinstance(parent, list) and isinstance(step, int):
            if step >= len(parent):
                parent.append({})
                step = len(parent) - 1
            parent = parent[step]
        else:
            return changed
    last = path[-1]
    if isinstance(parent, dict):
        if delete:
            parent.pop(last, None)
        else:
            parent[last] = copy.deepcopy(value)
    elif isinstance(parent, list) and isinstance(last, int):
        if delete:
            del parent[last : last + 1]
        elif last < len(parent):
            parent[last] = copy.deepcopy(value)
        else:
            parent.append(copy.deepcopy(value))
    return changed


@st.composite
def entries(draw):
    """A valid entry, or one with one to three mistakes: a tricky value, another entry's value for
    the same field, a field taken away, or a field no entry has."""
    entry = draw(st.sampled_from(_valid_entries()))
    for _ in range(draw(st.integers(0, 3))):
        existing = [path for path in _paths(entry) if path]
        path = draw(st.sampled_from(existing) | st.sampled_from(_FIELD_PATHS))
        donor = draw(st.sampled_from(_valid_entries()))
        donated = [p for p in _paths(donor) if p and p[-1] == path[-1]]
        value = draw(
            st.sampled_from(_TRICKY)
            | st.text(max_size=6)
            | st.integers(-5, 5)
            | (st.sampled_from(donated).map(lambda p, donor=donor: _at(donor, p)) if donated else st.nothing())
        )
        kind = draw(st.sampled_from(("value", "value", "value", "delete", "unknown field")))
        if kind == "unknown field":
            path = (*path[:-1], draw(st.sampled_from(("county", "langauges", "nmae", "x", 3))))
        entry = _mistaken(entry, path, value, delete=kind == "delete")
    return entry


def _at(value, path):
    for step in path:
        value = value[step]
    return value


_EXAMPLES = settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Problems the full check finds after the rules valid_parts stands for: in a week (its parser),
# or in concluding (a ZIP it cannot place; times without a time zone).
_AFTER_THE_RULES = ("cannot be placed", "times are local")


@_EXAMPLES
@given(entries())
def test_check_entry_answers_as_the_full_check_for_any_entry(entry):
    assert _outcome(schema.check_entry, entry) == _outcome(schema._check_fully, entry)


@_EXAMPLES
@given(entries())
def test_the_fast_path_vouches_only_for_entries_the_full_check_passes(entry):
    vocabulary = _vocabulary()
    if valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is None:
        return
    found = _outcome(schema._check_fully, entry)
    assert not isinstance(found, type), found  # the full check did not raise on it either
    for path, message in found[0]:
        in_a_week = path[:1] == ("hours",) or path[:2] == ("meeting", "times")
        assert in_a_week or any(words in message for words in _AFTER_THE_RULES), (path, message)
    fast = _outcome(schema._check_fast, entry)
    assert fast is None or fast == found


def test_the_fast_path_vouches_for_every_valid_entry_of_the_samples():
    # Counted, not timed: an entry the fast path turns away costs the cold load the full check.
    vocabulary = _vocabulary()
    valid = _valid_entries()
    assert len(valid) >= 480
    for entry in valid:
        assert valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is not None, entry["id"]
        assert schema._check_fast(entry, vocabulary, TODAY) == schema._check_fully(entry, vocabulary, TODAY)


_BASE = {
    "id": "x-1",
    "name": "Name",
    "organization": "Org",
    "category": "recovery_housing",
    "phones": [{"number": "303-555-0100", "type": "intake"}],
    "location": {"city": "Denver", "state": "CO", "zip": "80222", "latitude": 39.67, "longitude": -104.93},
    "housing": {"medication_policy": {"methadone": "allowed"}},
    "meeting": {"fellowship": "aa", "attendance": "online", "times": []},
    "last_verified": "2026-10-01",
}
_GONE = object()


@pytest.mark.parametrize(
    "mistakes",
    [
        {("name",): "   "},
        {("location", "latitude"): True},
        {("location", "latitude"): math.nan},
        {("location", "longitude"): _GONE},
        {("phones", 0, "number"): "   "},
        {("phones", 0): {}},
        {("languages",): [None]},
        {("housing", "medication_policy", "methadone"): None},
        {("last_verified",): (TODAY + dt.timedelta(days=2)).isoformat()},
        {("listed_as_of",): "unknown", ("last_verified",): "2026-02-30"},
        {("website",): "https://" + "x" * 5000},
        {("meeting", "attendance"): "in_person", ("location",): _GONE, ("service_area",): ["CO"]},
        {("meeting", "times"): None},
        {("location",): _GONE},
    ],
)
def test_a_mistake_the_patterns_alone_would_let_through_goes_to_the_full_check(mistakes):
    # Each of these passes a type test or a pattern but not the full check, or is a value the
    # full check tolerates (a null in a list) that the fast path leaves to it.
    vocabulary = _vocabulary()
    assert valid_parts(_BASE, vocabulary.categories, vocabulary.field_by_code, TODAY) is not None
    entry = _BASE
    for path, value in mistakes.items():
        entry = _mistaken(entry, path, value, delete=value is _GONE)
    assert valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is None
    assert schema.check_entry(entry, vocabulary, TODAY) == schema._check_fully(entry, vocabulary, TODAY)


# --- what the fast path remembers between entries -------------------------------------------------


def test_a_date_remembered_as_past_is_refused_on_a_day_it_is_in_the_future():
    # Dates that passed are remembered for one "today" only: the same text can be in the future
    # on another day, and the full check says so.
    vocabulary = _vocabulary()
    entry = _mistaken(_BASE, ("last_verified",), "2027-01-10", delete=False)
    assert valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is not None
    earlier = dt.date(2027, 1, 1)
    assert valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, earlier) is None
    found, implied = schema.check_entry(entry, vocabulary, earlier)
    assert found == [(("last_verified",), "2027-01-10 is in the future")] and implied is None
    assert valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is not None


def test_a_code_list_remembered_for_one_field_is_refused_in_another():
    vocabulary = _vocabulary()
    payment = _mistaken(_BASE, ("payment",), ["free", "medicaid"], delete=False)
    for _ in range(2):  # the second time from what was remembered
        assert valid_parts(payment, vocabulary.categories, vocabulary.field_by_code, TODAY) is not None
    needs = _mistaken(_BASE, ("needs",), ["free", "medicaid"], delete=False)
    assert valid_parts(needs, vocabulary.categories, vocabulary.field_by_code, TODAY) is None
    assert schema.check_entry(needs, vocabulary, TODAY) == schema._check_fully(needs, vocabulary, TODAY)


@pytest.mark.parametrize("codes", [["free", ["medicaid"]], ["free", {"a": 1}], ["free", 1], ["free", None]])
def test_a_code_list_with_an_item_that_is_not_text_goes_to_the_full_check(codes):
    vocabulary = _vocabulary()
    entry = _mistaken(_BASE, ("payment",), codes, delete=False)
    for _ in range(2):
        assert valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is None
        assert schema.check_entry(entry, vocabulary, TODAY) == schema._check_fully(entry, vocabulary, TODAY)


def test_every_valid_entry_checked_again_from_what_was_remembered_answers_as_the_full_check(monkeypatch):
    # The first pass fills what the fast path remembers (code lists, dates, implied codes, weeks);
    # the second answers from it.
    from navigator.directory import schemafast

    monkeypatch.setattr(schemafast, "_CODE_LISTS", [None, {}])
    monkeypatch.setattr(schemafast, "_DAYS_FOR", [None, set()])
    monkeypatch.setattr(implied_module, "_IMPLIED_FOR", [None, {}])
    monkeypatch.setattr(schema, "_PARSED_WEEKS", {})
    vocabulary = _vocabulary()
    valid = _valid_entries()
    for _ in range(2):
        for entry in valid:
            assert schema._check_fast(entry, vocabulary, TODAY) == schema._check_fully(entry, vocabulary, TODAY)
    assert len(implied_module._IMPLIED_FOR[1]) < len(valid) / 2  # entries do share what they imply


def test_implied_made_without_its_init_is_the_same_value():
    import pickle

    from navigator.search.schedule import WeeklySchedule

    fields = (frozenset({"free", "aa"}), 39.7, -104.9, True, "America/Denver", False, WeeklySchedule(((60, 30),)))
    made, built = implied_module.made_implied(*fields), schema.Implied(*fields)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert pickle.dumps(made) == pickle.dumps(built)
    assert pickle.loads(pickle.dumps(made)) == built


@pytest.mark.parametrize(
    "zip_code", ["80222", "00501", "８０２２２", "١٢٣٤٥", "²0222", "8022", "802222", "8022a", " 8022"]
)
def test_a_zip_passes_the_fast_path_exactly_when_it_matches_the_pattern(zip_code):
    from navigator.directory.fields import ZIP_PATTERN

    vocabulary = _vocabulary()
    entry = _mistaken(_BASE, ("location", "zip"), zip_code, delete=False)
    vouched = valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, TODAY) is not None
    assert vouched == bool(ZIP_PATTERN.match(zip_code))
    assert schema.check_entry(entry, vocabulary, TODAY) == schema._check_fully(entry, vocabulary, TODAY)
