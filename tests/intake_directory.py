"""A small directory around Denver's 80222 for the intake tests, built fresh in each test's folder.

Built so each rule of the plan has something to catch: a same-day buprenorphine clinic and one
without same-day starts, methadone programs that do and do not take transfers, recovery houses
with different medication policies (the only one that allows methadone is about 40 miles out),
meetings at fixed times, national lines, and naloxone. Clinics are open around the clock so
rankings do not depend on the hour a test runs; the clock-dependent tests pass ``now``.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from tests.conftest import write_directory

from navigator.directory.index import Directory
from navigator.directory.loader import load_directory

DENVER = ZoneInfo("America/Denver")
HOME = (39.671, -104.928)  # near the 80222 centroid
HOME_ZIP = "80222"
TODAY = dt.date(2026, 11, 17)  # a Tuesday
TUESDAY_3PM = dt.datetime(2026, 11, 17, 15, 0, tzinfo=DENVER)
MILES_PER_DEGREE = math.pi * 3958.8 / 180


def north(miles: float) -> tuple[float, float]:
    """A point ``miles`` due north of HOME."""
    return HOME[0] + miles / MILES_PER_DEGREE, HOME[1]


def place(name: str, category: str, miles: float, **fields) -> dict:
    lat, lon = north(miles)
    entry = {
        "id": name,
        "name": fields.pop("title", name.replace("-", " ").title()),
        "organization": "Test Org",
        "category": category,
        "languages": fields.pop("languages", ["en"]),
        "location": {
            "address": f"{int(miles * 100) + 1} Test St",
            "city": "Denver",
            "state": "CO",
            "zip": "80222",
            "latitude": round(lat, 5),
            "longitude": round(lon, 5),
        },
        "timezone": "America/Denver",
        "last_verified": "2026-11-01",
    }
    entry.update(fields)
    return entry


def national(name: str, category: str, **fields) -> dict:
    entry = {
        "id": name,
        "name": fields.pop("title", name.replace("-", " ").title()),
        "organization": "Test Org",
        "category": category,
        "service_area": ["national"],
        "timezone": "America/New_York",
        "hours": "24/7",
        "last_verified": "2026-11-01",
    }
    entry.update(fields)
    return entry


def moud(medications, same_day=False, transfers=True, setting="office_based") -> dict:
    return {
        "medications": list(medications),
        "setting": setting,
        "same_day_start": same_day,
        "walk_in": same_day,
        "accepts_transfers": transfers,
    }


def house(
    buprenorphine="allowed",
    methadone="allowed",
    naltrexone="allowed",
    gender="any",
    children=False,
    beds=None,
) -> dict:
    block = {
        "narr_level": 2,
        "medication_policy": {
            "buprenorphine": buprenorphine,
            "methadone": methadone,
            "naltrexone": naltrexone,
        },
        "gender": gender,
        "children": children,
    }
    if beds is not None:
        block.update(beds_available=beds, beds_counted="2026-11-10")
    return block


def meeting(fellowship: str, days, start: str, end: str, attendance: str = "in_person") -> dict:
    return {
        "fellowship": fellowship,
        "attendance": attendance,
        "times": [{"days": days, "start": start, "end": end}],
    }


ALWAYS = "24/7"
PHONE = [{"number": "303-555-0100", "type": "intake"}]

ENTRIES = [
    place(
        "bup-same-day",
        "moud_provider",
        1.0,
        title="Same Day Bup Clinic",
        hours=ALWAYS,
        phones=PHONE,
        payment=["medicaid"],
        languages=["en", "es"],
        moud=moud(["buprenorphine"], same_day=True),
        application_process="Walk in before 10:00.",
        required_documents=["Photo ID"],
    ),
    place(
        "bup-booked",
        "moud_provider",
        0.5,
        title="Booked Bup Office",
        hours=ALWAYS,
        payment=["self_pay"],
        moud=moud(["buprenorphine"]),
    ),
    place(
        "bup-far",
        "moud_provider",
        30.0,
        title="Far Bup Clinic",
        hours=ALWAYS,
        moud=moud(["buprenorphine"], same_day=True),
    ),
    place(
        "otp-transfers",
        "moud_provider",
        3.0,
        title="Transfers Welcome OTP",
        hours=ALWAYS,
        payment=["medicaid"],
        moud=moud(["methadone"], setting="otp"),
    ),
    place(
        "otp-no-transfers",
        "moud_provider",
        2.0,
        title="No Transfers OTP",
        hours=ALWAYS,
        moud=moud(["methadone"], setting="otp", transfers=False),
    ),
    place(
        "house-methadone-far",
        "recovery_housing",
        40.0,
        title="Faraway Methadone House",
        housing=house(children=True, beds=2),
        phones=PHONE,
    ),
    place(
        "house-bup-only",
        "recovery_housing",
        5.0,
        title="Bup Only House",
        housing=house(methadone="not_allowed"),
    ),
    place(
        "house-women",
        "recovery_housing",
        6.0,
        title="Womens House",
        housing=house(methadone="unknown", gender="women"),
    ),
    place(
        "detox-center",
        "treatment_program",
        20.0,
        title="Detox Center",
        hours=ALWAYS,
        needs=["detox"],
    ),
    place(
        "iop-near",
        "treatment_program",
        2.0,
        title="Near IOP",
        hours=ALWAYS,
        needs=["intensive_outpatient"],
    ),
    place(
        "aa-tuesday-evening",
        "support_meeting",
        2.0,
        title="Tuesday Evening AA",
        meeting=meeting("aa", ["tue"], "19:00", "20:00"),
    ),
    place(
        "aa-tuesday-late-afternoon",
        "support_meeting",
        1.5,
        title="Tuesday Late Afternoon AA",
        meeting=meeting("aa", ["tue"], "16:30", "17:30"),
    ),
    place(
        "na-saturday-morning",
        "support_meeting",
        1.0,
        title="Saturday Morning NA",
        meeting=meeting("na", ["sat"], "10:00", "11:00"),
    ),
    national(
        "aa-online-room",
        "support_meeting",
        title="Around The Clock AA Online",
        meeting=meeting("aa", ["daily"], "00:00", "24:00", attendance="online"),
        **{"hours": None},
    ),
    place(
        "naloxone-pharmacy",
        "harm_reduction",
        1.2,
        title="Corner Pharmacy Naloxone",
        hours=ALWAYS,
        needs=["naloxone"],
        phones=PHONE,
    ),
    place(
        "strips-and-naloxone",
        "harm_reduction",
        4.0,
        title="Outreach Hub",
        hours=ALWAYS,
        needs=["naloxone", "fentanyl_test_strips"],
    ),
    place(
        "jobs-second-chance",
        "employment_service",
        3.0,
        title="Second Chance Jobs",
        hours=ALWAYS,
        employment={"services": ["job_placement"], "second_chance_employer": True},
    ),
    place(
        "jobs-training",
        "employment_service",
        1.0,
        title="Training Center",
        hours=ALWAYS,
        employment={"services": ["job_training"]},
    ),
    national(
        "line-988",
        "crisis_line",
        title="988 Lifeline",
        phones=[{"number": "988", "type": "hotline"}],
    ),
    national(
        "line-helpline",
        "crisis_line",
        title="National Helpline",
        phones=[{"number": "1-800-662-4357", "type": "hotline"}],
    ),
    national(
        "line-never-alone",
        "harm_reduction",
        title="Never Alone Line",
        needs=["crisis"],
        phones=[{"number": "1-800-484-3731", "type": "hotline"}],
    ),
]


def _clean(entry: dict) -> dict:
    # A copy of each, so shared lists (PHONE) are not written as YAML aliases, which are refused.
    return copy.deepcopy({name: value for name, value in entry.items() if value is not None})


def write_intake_directory(root: Path, extra: list[dict] | None = None) -> Path:
    entries = [_clean(entry) for entry in ENTRIES + (extra or [])]
    return write_directory(root, {"entries.yaml": yaml.safe_dump(entries, sort_keys=False, allow_unicode=True)})


def load_intake_directory(root: Path, extra: list[dict] | None = None) -> Directory:
    return load_directory(write_intake_directory(root, extra), use_cache=False, today=TODAY)
