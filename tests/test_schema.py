import datetime as dt

import pytest
from tests.conftest import PROJECT_ROOT

from navigator.directory.schema import check_entry
from navigator.directory.vocabulary import load_vocabulary

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(PROJECT_ROOT / "directory")


def entry(**changes):
    base = {
        "id": "x-1",
        "name": "Name",
        "organization": "Org",
        "category": "moud_provider",
        "location": {"city": "Denver", "state": "CO", "zip": "80222", "latitude": 39.67, "longitude": -104.93},
        "last_verified": "2026-10-01",
    }
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def problems(vocabulary, **changes):
    found, _ = check_entry(entry(**changes), vocabulary, TODAY)
    return {".".join(map(str, path)): message for path, message in found}


def test_minimal_entry_is_valid(vocabulary):
    assert problems(vocabulary) == {}


def test_unknown_field_names_the_nearest_known_one(vocabulary):
    assert problems(vocabulary, langauges=["en"]) == {
        "langauges": "unknown field 'langauges'; did you mean 'languages'?"
    }


def test_code_in_the_wrong_field_says_where_it_belongs(vocabulary):
    assert problems(vocabulary, needs=["medicaid"]) == {
        "needs.0": "'medicaid' is a payment code: list it under payment"
    }


def test_unknown_payment_code_suggests_a_payment_code(vocabulary):
    assert problems(vocabulary, payment=["medicaide"])["payment.0"].endswith("did you mean 'medicaid'?")


def test_unquoted_number_where_text_belongs_asks_for_quotes(vocabulary):
    found = problems(vocabulary, phones=[{"number": 988, "type": "hotline"}])
    assert found == {"phones.0.number": 'must be text: write "988" in quotes'}


def test_remote_service_needs_a_service_area(vocabulary):
    assert problems(vocabulary, location=None) == {
        "location": "give a location, or a service_area for a remote service"
    }
    assert problems(vocabulary, location=None, service_area=["national"]) == {}
    assert problems(vocabulary, location=None, service_area=["XX"]) == {
        "service_area.0": "'XX' is not a state code or 'national'"
    }


def test_unknown_zip_without_coordinates_cannot_be_placed(vocabulary):
    found = problems(vocabulary, location={"city": "Nowhere", "state": "CO", "zip": "00000"})
    assert "cannot be placed" in found["location.zip"]


def test_hours_rules(vocabulary):
    assert problems(vocabulary, hours="24/7") == {}
    assert problems(vocabulary, hours=[{"days": "daily", "opens": "22:00", "closes": "06:00"}]) == {}
    found = problems(vocabulary, hours=[{"days": ["mon", "funday"], "opens": "25:00", "closes": "24:00"}])
    assert set(found) == {"hours.0.days.1", "hours.0.opens"}
    assert (
        "can only end a period"
        in problems(vocabulary, hours=[{"days": "mon", "opens": "24:00", "closes": "10:00"}])["hours.0.opens"]
    )


def test_meeting_around_the_clock_is_valid(vocabulary):
    meeting = {
        "fellowship": "aa",
        "attendance": "online",
        "times": [{"days": "daily", "start": "00:00", "end": "24:00"}],
    }
    assert (
        problems(
            vocabulary,
            category="support_meeting",
            meeting=meeting,
            location=None,
            service_area=["national"],
            timezone="America/New_York",
        )
        == {}
    )


def test_meeting_rules(vocabulary):
    meeting = {"fellowship": "aa", "attendance": "online", "times": [{"days": ["sun"], "start": "07:00"}]}
    assert problems(vocabulary, category="support_meeting", meeting=meeting, location=None, service_area=["CO"]) == {}
    assert problems(vocabulary, category="support_meeting") == {
        "meeting": "a support meeting needs a meeting block with fellowship, attendance and times"
    }
    in_person = dict(meeting, attendance="in_person")
    assert problems(vocabulary, category="support_meeting", meeting=in_person, location=None, service_area=["CO"]) == {
        "location": "a in-person meeting needs a location"
    }


def test_housing_rules(vocabulary):
    housing = {"narr_level": 5, "medication_policy": {"methadone": "maybe"}, "beds_available": 2}
    found = problems(vocabulary, category="recovery_housing", housing=housing)
    assert set(found) == {"housing.narr_level", "housing.medication_policy.methadone", "housing.beds_counted"}


def test_future_verification_date_is_refused(vocabulary):
    assert problems(vocabulary, last_verified="2027-01-01") == {"last_verified": "2027-01-01 is in the future"}
    assert problems(vocabulary, last_verified="2026-02-30") == {"last_verified": "'2026-02-30' is not a real date"}


def test_implied_codes_for_housing_and_employment(vocabulary):
    housing = {
        "narr_level": 2,
        "gender": "women",
        "medication_policy": {"buprenorphine": "allowed", "methadone": "allowed"},
    }
    _, implied = check_entry(entry(category="recovery_housing", housing=housing), vocabulary, TODAY)
    assert implied.codes == {"recovery_housing", "narr_2", "moud_friendly", "women"}
    _, implied = check_entry(
        entry(
            category="recovery_housing",
            housing=dict(housing, medication_policy={"buprenorphine": "allowed", "methadone": "not_allowed"}),
        ),
        vocabulary,
        TODAY,
    )
    assert "moud_friendly" not in implied.codes
    employment = {"services": ["job_training", "resume_help"], "second_chance_employer": True}
    _, implied = check_entry(entry(category="employment_service", employment=employment), vocabulary, TODAY)
    assert implied.codes == {"job_training", "second_chance"}


def test_remote_entry_takes_the_time_zone_of_its_one_state(vocabulary):
    _, implied = check_entry(entry(location=None, service_area=["AZ"]), vocabulary, TODAY)
    assert implied.remote and implied.timezone == "America/Phoenix"
    _, implied = check_entry(entry(location=None, service_area=["national"]), vocabulary, TODAY)
    assert implied.timezone is None


def test_national_hours_need_a_time_zone_unless_always_open(vocabulary):
    national = {"location": None, "service_area": ["national"]}
    assert problems(vocabulary, hours="24/7", **national) == {}
    weekday = [{"days": "weekdays", "opens": "09:00", "closes": "17:00"}]
    assert "give a timezone" in problems(vocabulary, hours=weekday, **national)["hours"]
    assert problems(vocabulary, hours=weekday, timezone="America/Chicago", **national) == {}


def test_a_week_repeated_in_many_entries_is_parsed_once(vocabulary, monkeypatch):
    from navigator.directory import schema

    calls = []

    def counting_parse_hours(value, path=("hours",)):
        calls.append(value)
        return schema.parse_hours.__wrapped__(value, path)

    counting_parse_hours.__wrapped__ = schema.parse_hours
    monkeypatch.setattr(schema, "_PARSED_WEEKS", {})
    monkeypatch.setattr(schema, "parse_hours", counting_parse_hours)
    week = [{"days": "weekdays", "opens": "09:00", "closes": "17:00"}]
    results = [check_entry(entry(id=f"x-{n}", hours=week), vocabulary, TODAY) for n in range(50)]
    assert len(calls) == 1
    assert all(found == [] and implied.schedule == results[0][1].schedule for found, implied in results)
    # The same week written otherwise (a day as a one-word list) is a different value: parsed too.
    check_entry(entry(hours=[{"days": ["weekdays"], "opens": "09:00", "closes": "17:00"}]), vocabulary, TODAY)
    assert len(calls) == 2


def test_a_week_with_a_problem_is_reported_for_every_entry_that_has_it(vocabulary):
    week = [{"days": "mon", "opens": "25:00", "closes": "17:00"}]
    for _ in range(3):
        assert set(problems(vocabulary, hours=week)) == {"hours.0.opens"}


def test_a_list_or_a_mapping_where_a_choice_belongs_is_reported_not_raised(vocabulary):
    assert "is not one of" in problems(vocabulary, category=["moud_provider"])["category"]
    location = {"city": "Denver", "state": {"name": "CO"}, "zip": "80222", "latitude": 39.67, "longitude": -104.93}
    assert "is not one of" in problems(vocabulary, location=location)["location.state"]
    assert (
        "unknown field"
        in problems(vocabulary, location={**location, "state": "CO", "county": "Denver"})["location.county"]
    )
