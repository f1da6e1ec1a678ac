"""Synthetic directories for the benchmark: realistic, valid and national in scale.

The mix follows what a statewide or national directory holds: support meetings are the most
numerous, then medication and treatment providers, recovery housing, harm reduction, employment
and crisis services, with a few remote services (online meetings, state hotlines). Places are real
ZIP centroids from the offline ``zipcodes`` data (every standard ZIP equally likely, so entries
crowd where ZIP codes do, as people do), jittered by up to a mile or two. Everything is drawn from
a seeded generator, so the same seed writes the same files.

The entries are written as YAML text directly, in the shape of the hand-written files (plain
scalars where YAML allows them, quoted times, dates, ZIPs and phones, flow lists of codes): the
benchmark must parse what a real directory holds, and PyYAML's emitter would take longer to write
100,000 entries than the navigator takes to read them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import textwrap
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import zipcodes

from navigator.directory.schema import EMPLOYMENT_SERVICES
from navigator.directory.vocabulary import VOCABULARY_FILE, vocabulary_path
from navigator.search.places import US_STATE_TIMEZONES, timezone_for

ENTRIES_PER_FILE = 100

# Category, its share of the directory, and the short word its ids carry.
CATEGORY_MIX = (
    ("support_meeting", 0.46, "mtg"),
    ("moud_provider", 0.12, "moud"),
    ("treatment_program", 0.13, "tx"),
    ("recovery_housing", 0.11, "house"),
    ("harm_reduction", 0.08, "hr"),
    ("employment_service", 0.07, "job"),
    ("crisis_line", 0.03, "crisis"),
)

FELLOWSHIP_MIX = (
    ("aa", 50),
    ("na", 25),
    ("smart", 7),
    ("recovery_dharma", 5),
    ("celebrate_recovery", 6),
    ("al_anon", 5),
    ("nar_anon", 2),
)
FELLOWSHIP_LABELS = {
    "aa": "AA",
    "na": "NA",
    "smart": "SMART Recovery",
    "recovery_dharma": "Recovery Dharma",
    "celebrate_recovery": "Celebrate Recovery",
    "al_anon": "Al-Anon",
    "nar_anon": "Nar-Anon",
}
ATTENDANCE_MIX = (("in_person", 70), ("hybrid", 15), ("online", 12), ("inactive", 3))
MEETING_TYPES = ("O", "C", "D", "B", "SP", "ST", "BE", "X", "CF", "H", "LIT", "MED", "TR")
MEETING_STARTS = (
    "06:30",
    "07:00",
    "08:00",
    "09:30",
    "10:00",
    "12:00",
    "12:05",
    "17:30",
    "18:00",
    "18:30",
    "19:00",
    "19:30",
    "20:00",
    "20:30",
    "21:00",
)
DAY_CHOICES = (
    ["daily"],
    ["weekdays"],
    ["mon"],
    ["tue"],
    ["wed"],
    ["thu"],
    ["fri"],
    ["sat"],
    ["sun"],
    ["mon", "wed", "fri"],
    ["tue", "thu"],
    ["weekends"],
    ["sat", "sun"],
)
OFFICE_HOURS = (
    [{"days": ["weekdays"], "opens": "08:00", "closes": "17:00"}],
    [
        {"days": ["mon", "tue", "wed", "thu"], "opens": "07:00", "closes": "19:00"},
        {"days": ["fri"], "opens": "07:00", "closes": "15:00"},
    ],
    [
        {"days": ["weekdays"], "opens": "09:00", "closes": "17:30"},
        {"days": ["sat"], "opens": "09:00", "closes": "13:00"},
    ],
    [{"days": ["daily"], "opens": "05:30", "closes": "13:30"}],
    [{"days": ["weekdays"], "opens": "10:00", "closes": "18:00"}],
    [{"days": ["fri", "sat"], "opens": "20:00", "closes": "04:00"}],  # overnight outreach
)

PAYMENT_CODES = (
    "medicaid",
    "medicare",
    "private_insurance",
    "self_pay",
    "sliding_fee",
    "free",
    "military_insurance",
    "ihs_tribal",
)
SERVES_CODES = (
    "women",
    "men",
    "youth",
    "adults",
    "seniors",
    "pregnant_postpartum",
    "veterans",
    "lgbtq",
    "justice_involved",
    "deaf_hard_of_hearing",
)
TREATMENT_CODES = ("outpatient", "intensive_outpatient", "residential", "detox", "telehealth", "same_day")
HARM_REDUCTION_CODES = ("naloxone", "syringe_services", "fentanyl_test_strips")
OTHER_LANGUAGES = ("es", "es", "es", "es", "vi", "zh", "ru", "so", "ar", "ko", "ht", "pt", "am", "tl", "fr")

PLACE_WORDS = (
    "Sunrise",
    "Serenity",
    "Hope",
    "Harbor",
    "Cedar",
    "Riverside",
    "Maple",
    "Summit",
    "Valley",
    "Lakeside",
    "Northside",
    "Eastside",
    "Westside",
    "Southside",
    "Downtown",
    "Uptown",
    "Hillcrest",
    "Pinewood",
    "Oak Grove",
    "Willow",
    "Bridgeway",
    "Cornerstone",
    "Lighthouse",
    "Meadow",
    "Prairie",
    "Canyon",
    "Bayview",
    "Parkside",
    "Mill Creek",
    "Liberty",
)
MEETING_NOUNS = (
    "Group",
    "Big Book Study",
    "Step Study",
    "Speaker Meeting",
    "Discussion",
    "Daily Reflections",
    "Keep It Simple",
    "Happy Hour",
    "Candlelight",
    "Early Birds",
    "Lunch Bunch",
    "New Beginnings",
)
PROVIDER_NOUNS = (
    "Recovery Center",
    "Health",
    "Treatment Services",
    "Community Health",
    "Counseling",
    "Behavioral Health",
    "Wellness Clinic",
    "Family Services",
    "Recovery Partners",
)
STREETS = (
    "Main St",
    "Oak Ave",
    "Pine St",
    "Maple Ave",
    "Washington Blvd",
    "Lincoln Ave",
    "Broadway",
    "Park Ave",
    "Church St",
    "Market St",
    "Colfax Ave",
    "Elm St",
    "Jefferson St",
    "Center St",
)
SENTENCES = {
    "support_meeting": (
        "An open discussion meeting; newcomers are welcome and get a meeting list at the door.",
        "A closed meeting that reads and discusses the literature, a few pages each week.",
        "Coffee from fifteen minutes before the start; sponsors are available after the meeting.",
        "A small group that meets in the fellowship hall; enter from the side door.",
    ),
    "moud_provider": (
        "Office-based buprenorphine with same-day starts most weekdays.",
        "Methadone and buprenorphine with early-morning dosing before work and weekend dosing.",
        "A peer specialist meets every new patient at the first visit.",
        "Transfers from other clinics are set up by phone.",
    ),
    "treatment_program": (
        "Outpatient and intensive outpatient groups in the mornings and evenings.",
        "Medically supervised withdrawal with a warm handoff to ongoing care.",
        "Individual counseling, family sessions and peer support under one roof.",
        "Assessments the same week, usually within two days of the first call.",
    ),
    "recovery_housing": (
        "A peer-run house where residents share chores and vote on house rules.",
        "A supervised residence with a house manager on site every evening.",
        "Residents go to at least three meetings a week and keep a job or school schedule.",
        "All recovery medications are welcome here.",
    ),
    "harm_reduction": (
        "Naloxone, fentanyl test strips and sterile supplies with no questions asked.",
        "Outreach workers carry naloxone and can connect people to treatment the same day.",
        "Drop-in hours with testing, wound care and a place to sit down.",
    ),
    "employment_service": (
        "Job readiness classes, resume help and introductions to recovery-friendly employers.",
        "Paid training placements for people in early recovery, including people with records.",
        "Weekly hiring events with employers who hire people in recovery.",
    ),
    "crisis_line": (
        "Crisis counselors answer every hour of every day and can send a mobile team.",
        "Walk-in crisis care with a peer on every shift; no appointment needed.",
    ),
}

# Text that YAML reads as text without quotes (as in the hand-written files); the rest is quoted.
# Inside a flow list ``[a, b]`` commas and brackets would end the item, so they are quoted there.
_PLAIN_TEXT = re.compile(r"(?:[0-9]+ )?[A-Za-z][^#\n]*")
_PLAIN_IN_FLOW = re.compile(r"[A-Za-z][^#,\[\]{}\n]*")
_FOLD_AFTER = 90  # longer text is written folded (``>-``) over several lines, as people write it
_SPECIAL_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null"})


@lru_cache(maxsize=1)
def zip_pool() -> tuple[tuple[str, str, str, float, float], ...]:
    """(zip, city, state, lat, lon) of every active standard ZIP code with a position, in a state."""
    return tuple(
        (record["zip_code"], record["city"], record["state"], float(record["lat"]), float(record["long"]))
        for record in zipcodes.list_all()
        if record["zip_code_type"] == "STANDARD"
        and record["active"]
        and record["state"] in US_STATE_TIMEZONES
        and record["lat"]
        and record["long"]
        and (float(record["lat"]) or float(record["long"]))
    )


def synthetic_entries(count: int, seed: int = 0, today: dt.date | None = None) -> Iterator[dict]:
    """``count`` valid directory entries, the same ones for the same ``seed`` and ``today``."""
    today = today or dt.date.today()
    chooser = random.Random(seed)
    categories = [category for category, _, _ in CATEGORY_MIX]
    weights = [share for _, share, _ in CATEGORY_MIX]
    id_words = {category: word for category, _, word in CATEGORY_MIX}
    places = zip_pool()
    for index in range(count):
        category = chooser.choices(categories, weights)[0]
        place = chooser.choice(places)
        yield _EntryMaker(chooser, today, place).make(category, f"{place[2].lower()}-{id_words[category]}-{index:06d}")


class _EntryMaker:
    """One entry: the fields every entry has, then the block of its category."""

    def __init__(self, chooser: random.Random, today: dt.date, place: tuple):
        self.chooser = chooser
        self.today = today
        self.zip, self.city, self.state, self.lat, self.lon = place

    def make(self, category: str, entry_id: str) -> dict:
        pick = self.chooser
        entry: dict = {"id": entry_id}
        block, name, organization, remote = getattr(self, f"_{category}")()
        entry["name"] = name
        entry["organization"] = organization
        entry["category"] = category
        entry["description"] = " ".join(pick.sample(SENTENCES[category], 2))
        roll = pick.random()
        if roll < 0.03:
            entry["status"] = "inactive"
        elif roll < 0.05:
            entry["status"] = "temporarily_closed"
        needs = block.pop("needs", None)
        if needs:
            entry["needs"] = needs
        entry["payment"] = ["free"] if category == "support_meeting" else self._some(PAYMENT_CODES, 1, 4)
        if pick.random() < 0.6:
            entry["serves"] = self._some(SERVES_CODES, 1, 3)
        entry["languages"] = ["en", *sorted(set(self._some(OTHER_LANGUAGES, 0, 2)))]
        if pick.random() < 0.3:
            entry["accessibility"] = pick.sample(
                ["Wheelchair accessible", "Parking on site", "Near a bus stop", "Interpreters by phone"], 2
            )
        if category != "support_meeting":
            entry["application_process"] = pick.choice(
                (
                    "Walk in during open hours.",
                    "Call to book an intake.",
                    "Call first; most people start the same week.",
                )
            )
            entry["website"] = f"https://example.org/{entry_id}"
            entry["phones"] = [
                {
                    "number": f"{pick.randint(201, 989)}-555-01{pick.randint(0, 99):02d}",
                    "type": "hotline" if category == "crisis_line" else "intake",
                }
            ]
        if remote:
            entry["service_area"] = [self.state] if pick.random() < 0.85 else ["national"]
            entry["timezone"] = US_STATE_TIMEZONES[self.state]
        else:
            entry["location"] = self._location()
            if pick.random() < 0.5:
                entry["timezone"] = timezone_for(self.zip, self.state)
        hours = block.pop("hours", None)
        if hours:
            entry["hours"] = hours
        entry.update(block)
        imported_from = "meeting_guide" if category == "support_meeting" else "hsds"
        entry["source"] = pick.choice(("manual", "samhsa", imported_from))
        # Up to 18 months old, so about a third are stale (verified over a year ago).
        entry["last_verified"] = (self.today - dt.timedelta(days=pick.randint(0, 540))).isoformat()
        entry["verified_how"] = pick.choice(("phone", "website", "import"))
        entry["sample"] = True
        return entry

    def _some(self, codes, low: int, high: int) -> list[str]:
        return self.chooser.sample(codes, self.chooser.randint(low, high))

    def _place_word(self) -> str:
        return self.chooser.choice(PLACE_WORDS)

    def _location(self) -> dict:
        pick = self.chooser
        location = {
            "address": f"{pick.randint(10, 9999)} {pick.choice(STREETS)}",
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
        }
        if pick.random() < 0.95:  # the rest are placed at their ZIP's centroid by the loader
            location["latitude"] = round(self.lat + pick.uniform(-0.02, 0.02), 5)
            location["longitude"] = round(self.lon + pick.uniform(-0.02, 0.02), 5)
        return location

    def _organization(self, noun: str | None = None) -> str:
        return f"{self._place_word()} {noun or self.chooser.choice(PROVIDER_NOUNS)}"

    def _support_meeting(self):
        pick = self.chooser
        fellowship = pick.choices(*zip(*FELLOWSHIP_MIX, strict=True))[0]
        attendance = pick.choices(*zip(*ATTENDANCE_MIX, strict=True))[0]
        times = []
        for days in pick.sample(DAY_CHOICES, pick.choice((1, 1, 1, 2))):
            start = pick.choice(MEETING_STARTS)
            period = {"days": days, "start": start}
            if pick.random() < 0.75:
                hours, minutes = divmod(int(start[:2]) * 60 + int(start[3:]) + pick.choice((60, 60, 90)), 60)
                period["end"] = f"{hours:02d}:{minutes:02d}"
            times.append(period)
        meeting = {"fellowship": fellowship, "attendance": attendance, "times": times}
        if attendance in ("online", "hybrid"):
            meeting["conference_url"] = f"https://example.org/meet/{pick.randint(100000, 999999)}"
        meeting["types"] = pick.sample(MEETING_TYPES, pick.randint(1, 4))
        group = f"{self._place_word()} {pick.choice(MEETING_NOUNS)}"
        return (
            {"meeting": meeting},
            f"{group} {FELLOWSHIP_LABELS[fellowship]}",
            f"{group} Group",
            attendance == "online",
        )

    def _moud_provider(self):
        pick = self.chooser
        setting = pick.choice(("office_based", "office_based", "otp", "hospital", "telehealth"))
        medications = (
            ["methadone", "buprenorphine"] if setting == "otp" else self._some(("buprenorphine", "naltrexone"), 1, 2)
        )
        organization = self._organization()
        block = {
            "needs": ["outpatient"],
            "hours": pick.choice(OFFICE_HOURS[:5]),
            "moud": {
                "medications": medications,
                "setting": setting,
                "same_day_start": pick.random() < 0.4,
                "walk_in": pick.random() < 0.5,
                "telehealth": setting == "telehealth",
                "accepts_transfers": pick.random() < 0.7,
            },
        }
        label = "Opioid Treatment Program" if setting == "otp" else "Medication Clinic"
        return block, f"{organization} {label}", organization, False

    def _treatment_program(self):
        pick = self.chooser
        needs = self._some(TREATMENT_CODES, 1, 3)
        around_the_clock = "residential" in needs or "detox" in needs
        organization = self._organization()
        block = {"needs": needs, "hours": "24/7" if around_the_clock else pick.choice(OFFICE_HOURS[:5])}
        return (
            block,
            f"{organization} {'Residential' if around_the_clock else 'Outpatient'} Program",
            organization,
            False,
        )

    def _recovery_housing(self):
        pick = self.chooser
        gender = pick.choice(("women", "men", "any"))
        policy = {
            medication: pick.choice(("allowed", "allowed", "not_allowed", "unknown"))
            for medication in ("buprenorphine", "methadone", "naltrexone")
        }
        housing = {
            "narr_level": pick.randint(1, 4),
            "medication_policy": policy,
            "gender": gender,
            "children": pick.random() < 0.2,
            "cost": f"${pick.randrange(100, 300, 5)} a week",
        }
        if pick.random() < 0.6:
            housing["beds_available"] = pick.randint(0, 6)
            housing["beds_counted"] = (self.today - dt.timedelta(days=pick.randint(0, 60))).isoformat()
        organization = f"{self._place_word()} Recovery Homes"
        house = "Women's House" if gender == "women" else "Men's House" if gender == "men" else "House"
        return {"housing": housing}, f"{self._place_word()} Street {house}", organization, False

    def _harm_reduction(self):
        organization = self._organization("Harm Reduction Project")
        block = {"needs": self._some(HARM_REDUCTION_CODES, 1, 3), "hours": self.chooser.choice(OFFICE_HOURS)}
        return block, f"{organization} Drop-in", organization, False

    def _employment_service(self):
        pick = self.chooser
        employment = {
            "services": self._some(EMPLOYMENT_SERVICES, 1, 3),
            "recovery_friendly_employer": pick.random() < 0.3,
            "second_chance_employer": pick.random() < 0.4,
        }
        organization = self._organization("Works")
        return (
            {"hours": pick.choice(OFFICE_HOURS[:5]), "employment": employment},
            f"{organization} Job Center",
            organization,
            False,
        )

    def _crisis_line(self):
        remote = self.chooser.random() < 0.3
        organization = self._organization("Crisis Services")
        name = f"{organization} {'Hotline' if remote else 'Walk-in Crisis Center'}"
        return {"needs": ["crisis"], "hours": "24/7"}, name, organization, remote


def _scalar(value, plain=_PLAIN_TEXT) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if (
        plain.fullmatch(value)
        and ": " not in value
        and not value.endswith((":", " "))
        and value.lower() not in _SPECIAL_WORDS
    ):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _mapping_lines(mapping: dict, indent: str, first_prefix: str, lines: list[str]) -> None:
    """``mapping`` as block YAML; the first key goes after ``first_prefix`` (``- `` in a list)."""
    prefix = first_prefix
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append(f"{prefix}{key}:")
            _mapping_lines(value, indent + "  ", indent + "  ", lines)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{prefix}{key}:")
            for item in value:
                _mapping_lines(item, indent + "    ", indent + "  - ", lines)
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}: [{', '.join(_scalar(item, _PLAIN_IN_FLOW) for item in value)}]")
        elif isinstance(value, str) and len(value) > _FOLD_AFTER and _scalar(value) == value:
            lines.append(f"{prefix}{key}: >-")
            lines += textwrap.wrap(
                value,
                _FOLD_AFTER,
                initial_indent=indent + "  ",
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        else:
            lines.append(f"{prefix}{key}: {_scalar(value)}")
        prefix = indent


def entries_yaml(entries: list[dict]) -> str:
    """The text of one directory file holding ``entries``, one blank line between them."""
    lines = ["# Synthetic entries for the benchmark (fictional; written by navigator.bench.synthetic)."]
    for entry in entries:
        lines.append("")
        _mapping_lines(entry, "  ", "- ", lines)
    return "\n".join(lines) + "\n"


def write_synthetic_directory(
    folder: Path | str, count: int, seed: int = 0, today: dt.date | None = None, per_file: int = ENTRIES_PER_FILE
) -> list[Path]:
    """Write ``count`` entries into the new or empty ``folder``, ``per_file`` to a file, with the
    bundled vocabulary; returns the entry files written.

    The folder must be new or empty, so a real directory can never be written over. Files are
    written directly, not atomically: this is throwaway benchmark data in a folder of its own.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty: synthetic entries go into a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vocabulary_path(folder), folder / VOCABULARY_FILE)
    written = []
    batch: list[dict] = []
    for entry in synthetic_entries(count, seed, today):
        batch.append(entry)
        if len(batch) == per_file:
            written.append(_write_batch(folder, len(written) + 1, batch))
            batch = []
    if batch:
        written.append(_write_batch(folder, len(written) + 1, batch))
    return written


def _write_batch(folder: Path, number: int, entries: list[dict]) -> Path:
    path = folder / f"entries-{number:05d}.yaml"
    path.write_text(entries_yaml(entries), encoding="utf-8")
    return path
