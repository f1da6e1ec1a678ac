"""What a directory entry may hold: its fields, the values each allows and the patterns text must
match. Shared by the full check (``schema``, which reports every problem) and its fast path for
valid entries (``schemafast``); ``schema`` re-exports them, where the rest of the code reads them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import available_timezones

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}\Z")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
ZIP_PATTERN = re.compile(r"[0-9]{5}\Z")
URL_PATTERN = re.compile(r"https?://[^\s<>\"']+\Z")
EMAIL_PATTERN = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+\Z")
PHONE_PATTERN = re.compile(r"[0-9+()./ -]{3,30}(?: ?(?:x|ext\.?) ?[0-9]{1,6})?\Z")
MAX_TEXT = 5000

STATUSES = ("active", "inactive", "temporarily_closed")
PHONE_TYPES = ("intake", "hotline", "text", "voice", "fax", "tty")
SOURCES = ("sample", "manual", "samhsa", "hsds", "meeting_guide", "suggestion", "findtreatment", "bmlt", "oiaa")
# Provenance of an imported entry: when its source last vouched for it (a date, or UNDATED when
# the source gives none) and how (a live feed fetched then, or a static export of that date).
UNDATED = "unknown"
LISTED_FROM = ("feed", "export")
VERIFIED_HOW = ("phone", "website", "site_visit", "organization", "import", "sample")
MEDICATIONS = ("buprenorphine", "methadone", "naltrexone")
MOUD_SETTINGS = ("otp", "office_based", "hospital", "telehealth")
FELLOWSHIPS = ("aa", "na", "smart", "recovery_dharma", "celebrate_recovery", "al_anon", "nar_anon", "other")
ATTENDANCE = ("in_person", "online", "hybrid", "inactive")
MEDICATION_POLICIES = ("allowed", "not_allowed", "unknown")
HOUSING_GENDERS = ("women", "men", "any")
EMPLOYMENT_SERVICES = (
    "job_training",
    "job_placement",
    "resume_help",
    "career_counseling",
    "supported_employment",
    "record_clearing",
)
NATIONAL = "national"

TOP_FIELDS = (
    "id",
    "name",
    "organization",
    "category",
    "description",
    "status",
    "needs",
    "payment",
    "serves",
    "eligibility",
    "languages",
    "accessibility",
    "application_process",
    "required_documents",
    "fees",
    "website",
    "email",
    "phones",
    "location",
    "service_area",
    "timezone",
    "hours",
    "moud",
    "meeting",
    "housing",
    "employment",
    "tags",
    "source",
    "source_id",
    "last_verified",
    "verified_how",
    "listed_as_of",
    "listed_from",
    "last_changed",
    "sample",
)
LOCATION_FIELDS = ("address", "address_2", "city", "state", "zip", "latitude", "longitude")
PHONE_FIELDS = ("number", "type", "description")
MOUD_FIELDS = ("medications", "setting", "same_day_start", "walk_in", "telehealth", "accepts_transfers")
MEETING_FIELDS = ("fellowship", "attendance", "times", "conference_url", "conference_phone", "types")
HOUSING_FIELDS = ("narr_level", "medication_policy", "gender", "children", "cost", "beds_available", "beds_counted")
EMPLOYMENT_FIELDS = ("services", "recovery_friendly_employer", "second_chance_employer")


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """The IANA time zone names (a ``timezone:`` must be one)."""
    return frozenset(available_timezones())
