"""FindTreatment.gov's service codes, by vintage, mapped to the directory's need codes.

The locator has used one family of codes since the 1990s, but some codes changed meaning: ``MI``
was military insurance in the old exports and is motivational interviewing in the current
dictionary (``TRICARE`` took its place), self-pay went from ``SF`` to ``CASH`` and telemedicine
from ``CT`` to ``TELE``. A listing therefore has to be read with the mapping of its vintage:
``CURRENT`` (2022 on, FindTreatment.gov's codes) or ``LEGACY`` (the older locator exports, whose
codes the ``samhsa`` importer maps). ``detect_vintage`` decides from the codes a file uses, then
from its date, and says how it decided.

Only what the importer needs is kept here, not the whole code dictionary (312 codes, published by
FindTreatment.gov; tests check this module against the copy in ../shared/data): the codes mapped
to need codes, and for the API, which gives service names instead of codes, the names of those
codes (``SERVICE_NAMES``). Every code, or API service name, without a mapping is kept in ``tags``,
never dropped. Lists come out in this module's order of the codes, then alphabetically, so the
listing's columns and the API's names give the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

MEDICATION_ORDER = ("buprenorphine", "methadone", "naltrexone")

# Tables of codes read better packed than one per line.
# fmt: off
_CURRENT_MEDICATIONS = {
    **dict.fromkeys(("BU", "BUM", "DB", "UB", "BWN", "BWON", "BERI", "BSDM"), "buprenorphine"),
    **dict.fromkeys(("MU", "MM", "DM", "METH"), "methadone"),
    **dict.fromkeys(("NU", "UN", "RPN", "NXN", "VTRL"), "naltrexone"),
}
_CURRENT_NEEDS = {
    "OP": "outpatient", "IOP": "intensive_outpatient", "OIT": "intensive_outpatient",
    "RES": "residential", "RS": "residential", "RL": "residential",
    "DT": "detox", "HID": "detox", "OD": "detox", "RD": "detox",
    "HH": "recovery_housing", "TELE": "telehealth", "NOE": "naloxone",
}
_CURRENT_PAYMENT = {
    "MD": "medicaid", "MC": "medicare", "PI": "private_insurance", "CASH": "self_pay",
    "SS": "sliding_fee", "NP": "free", "TRICARE": "military_insurance", "ITU": "ihs_tribal",
    "IHS": "ihs_tribal",
}
_CURRENT_SERVES = {
    "WN": "women", "MN": "men", "PW": "pregnant_postpartum", "VET": "veterans", "SEN": "seniors",
    "SNR": "seniors", "ADOL": "youth", "CH_AD": "youth", "YA": "youth", "YAD": "youth",
    "ADLT": "adults", "CJ": "justice_involved", "ASL": "deaf_hard_of_hearing",
}
_CURRENT_LANGUAGES = {
    "SP": "es", "F4": "ar", "F17": "zh", "F19": "ht", "F25": "fa", "F28": "fr", "F30": "de",
    "F31": "el", "F35": "he", "F36": "hi", "F42": "it", "F43": "ja", "F47": "ko", "F66": "pl",
    "F67": "pt", "F70": "ru", "F81": "tl", "F92": "vi", "N24": "oj",
}
# The 2025 dictionary's name of each current code the importer reads (the mapped ones, and the
# substance-use services that tell a treatment facility from a mental-health-only one), as the API
# writes them in its services' ``f3``.
SERVICE_NAMES = {
    "SA": "Substance use treatment", "OMB": "Outpatient methadone/buprenorphine or naltrexone treatment",
    "SUMH": "Treatment for co-occurring substance use plus either serious mental illness (SMI) in adults and/or "
    "serious emotional disturbance (SED) in children",
    "BU": "Buprenorphine used in Treatment", "BUM": "Buprenorphine maintenance", "DB": "Buprenorphine detoxification",
    "UB": "Prescribes buprenorphine", "BWN": "Buprenorphine with naloxone", "BWON": "Buprenorphine without naloxone",
    "BERI": "Buprenorphine (extended-release, injectable)", "BSDM": "Buprenorphine sub-dermal implant",
    "MU": "Methadone used in Treatment", "MM": "Methadone maintenance", "DM": "Methadone detoxification",
    "METH": "Methadone", "NU": "Naltrexone used in Treatment", "UN": "Prescribes naltrexone",
    "RPN": "Relapse prevention with naltrexone", "NXN": "Naltrexone (oral)",
    "VTRL": "Naltrexone (extended-release, injectable)", "OTP": "Federally-certified Opioid Treatment Program",
    "OP": "Outpatient", "IOP": "Intensive outpatient treatment", "RES": "Residential/24-hour residential",
    "RS": "Short-term residential", "RL": "Long-term residential", "DT": "Detoxification",
    "HID": "Hospital inpatient detoxification", "OD": "Outpatient detoxification", "RD": "Residential detoxification",
    "HH": "Transitional housing, halfway house, or sober home", "TELE": "Telemedicine/telehealth therapy",
    "NOE": "Naloxone and overdose education", "MD": "Medicaid", "MC": "Medicare", "PI": "Private health insurance",
    "CASH": "Cash or self-payment", "SS": "Sliding fee scale (fee is based on income and other factors)",
    "NP": "No payment accepted", "TRICARE": "Federal military insurance (e.g., TRICARE)",
    "ITU": "IHS/Tribal/Urban (ITU) funds", "IHS": "Indian Health Services", "WN": "Adult women", "MN": "Adult men",
    "PW": "Pregnant/postpartum women", "VET": "Veterans", "SEN": "Seniors or older adults", "SNR": "Seniors",
    "ADOL": "Adolescents", "CH_AD": "Children/Adolescents", "YA": "Young adults", "YAD": "Young Adults",
    "ADLT": "Adults", "CJ": "Criminal justice (other than DUI/DWI)/Forensic clients",
    "ASL": "Sign language services for the deaf and hard of hearing", "SP": "Spanish", "F4": "Arabic",
    "F17": "Any Chinese Language", "F19": "Creole", "F25": "Farsi", "F28": "French", "F30": "German", "F31": "Greek",
    "F35": "Hebrew", "F36": "Hindi", "F42": "Italian", "F43": "Japanese", "F47": "Korean", "F66": "Polish",
    "F67": "Portuguese", "F70": "Russian", "F81": "Tagalog", "F92": "Vietnamese", "N24": "Ojibwa",
}
# The old locator's codes (shared/data/samhsa/README.md), as the `samhsa` importer reads them.
_LEGACY_MEDICATIONS = {
    **dict.fromkeys(("MM", "DM", "MMW", "METH"), "methadone"),
    **dict.fromkeys(("BU", "BUM", "BMW", "DB", "BWN", "BWON"), "buprenorphine"),
    **dict.fromkeys(("NXN", "VTRL", "NU", "RPN"), "naltrexone"),
}
_LEGACY_NEEDS = {"OP": "outpatient", "RES": "residential", "DT": "detox", "CT": "telehealth", "TELE": "telehealth"}
_LEGACY_PAYMENT = {
    "MD": "medicaid", "MC": "medicare", "PI": "private_insurance", "SF": "self_pay",
    "SS": "sliding_fee", "NP": "free", "MI": "military_insurance", "ITU": "ihs_tribal",
    "IHS": "ihs_tribal",
}
_LEGACY_SERVES = {
    "WN": "women", "MN": "men", "PW": "pregnant_postpartum", "VET": "veterans", "GL": "lgbtq",
    "CJ": "justice_involved", "SE": "seniors", "AH": "deaf_hard_of_hearing", "ADLT": "adults",
    "CHLD": "youth", "YAD": "youth",
}
_LEGACY_LANGUAGES = {
    "SP": "es", "F4": "ar", "F17": "zh", "F28": "fr", "F70": "ru", "F81": "tl", "F92": "vi",
    "N23": "nv",
}
# fmt: on
# Codes only one vintage has, or that mean something else in the other: a file using them says
# which dictionary it was written with.
CURRENT_MARKERS = frozenset({"CASH", "TRICARE", "UB", "UN", "BERI", "BSDM", "CH_AD", "SNR", "ASL", "IOP"})
LEGACY_MARKERS = frozenset({"SF", "CT", "AH", "GL", "SE", "CHLD", "BMW", "OTPA"})
CURRENT_SINCE_YEAR = 2022  # FindTreatment.gov replaced the old locator and its codes


@dataclass(frozen=True)
class Vintage:
    name: str
    medications: dict[str, str]
    otp: frozenset[str]
    needs: dict[str, str]
    payment: dict[str, str]
    serves: dict[str, str]
    languages: dict[str, str]

    @cached_property
    def order(self) -> dict[str, int]:
        """Each mapped code's place in this vintage's tables (medications, OTP, needs, ... languages)."""
        codes = [*self.medications, *sorted(self.otp), *self.needs, *self.payment, *self.serves, *self.languages]
        return {code: position for position, code in enumerate(dict.fromkeys(codes))}

    def sorted(self, codes) -> list[str]:
        """Codes in this vintage's order, then the codes it does not map alphabetically: an order
        that depends on neither the file's columns nor the API's order of names."""
        order = self.order
        return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Service name (lower case, spaces collapsed) -> code. Two names differ only in case ("Young
    adults" YA, "Young Adults" YAD); both mean youth, and the first is taken."""
    found: dict[str, str] = {}
    for code, name in SERVICE_NAMES.items():
        found.setdefault(" ".join(name.split()).lower(), code)
    return found


def code_for_name(name: str) -> str | None:
    """The current code a service name stands for, or None when the importer does not map it."""
    return _names().get(" ".join(name.split()).lower())


CURRENT = Vintage(
    "current (2022 on)",
    _CURRENT_MEDICATIONS,
    frozenset({"OTP"}),
    _CURRENT_NEEDS,
    _CURRENT_PAYMENT,
    _CURRENT_SERVES,
    _CURRENT_LANGUAGES,
)
LEGACY = Vintage(
    "legacy locator (before 2022)",
    _LEGACY_MEDICATIONS,
    frozenset({"OTP", "OTPA"}),
    _LEGACY_NEEDS,
    _LEGACY_PAYMENT,
    _LEGACY_SERVES,
    _LEGACY_LANGUAGES,
)


def is_otp(codes: list[str], vintage: Vintage) -> bool:
    """An opioid treatment program: said so, or it gives methadone (only an OTP may, for OUD)."""
    return bool(vintage.otp.intersection(codes)) or any(vintage.medications.get(code) == "methadone" for code in codes)


def is_moud(codes: list[str], vintage: Vintage) -> bool:
    return bool(vintage.otp.intersection(codes)) or any(code in vintage.medications for code in codes)


def detect_vintage(codes: set[str], year: int | None) -> tuple[Vintage, str]:
    """The vintage a file was written in, and how that was decided (to tell the operator)."""
    current, legacy = sorted(codes & CURRENT_MARKERS), sorted(codes & LEGACY_MARKERS)
    if current and not legacy:
        return CURRENT, f"codes read with the current dictionary: the file uses {', '.join(current[:4])}"
    if legacy and not current:
        return LEGACY, f"codes read with the legacy locator dictionary (MI = military insurance): it uses {legacy[0]}"
    if year is not None:
        vintage = CURRENT if year >= CURRENT_SINCE_YEAR else LEGACY
        return vintage, f"codes read with the {vintage.name} dictionary: the file is from {year}"
    return CURRENT, "codes read with the current dictionary (the file neither dates itself nor uses a telling code)"


def map_codes(codes: list[str], vintage: Vintage) -> dict:
    """needs, payment, serves, languages, moud and tags from a facility's codes."""
    needs, payment, serves, languages, medications, tags = [], [], [], [], set(), []
    for code in codes:
        if code in vintage.medications:
            medications.add(vintage.medications[code])
        elif code in vintage.otp:
            medications.add("methadone")  # an opioid treatment program is where methadone is given
        elif code in vintage.needs:
            needs.append(vintage.needs[code])
        elif code in vintage.payment:
            payment.append(vintage.payment[code])
        elif code in vintage.serves:
            serves.append(vintage.serves[code])
        elif code in vintage.languages:
            languages.append(vintage.languages[code])
        else:
            tags.append(code)
    mapped = {
        "needs": list(dict.fromkeys(needs)),
        "payment": list(dict.fromkeys(payment)),
        "serves": list(dict.fromkeys(serves)),
        # English is the locator's own language; other languages are listed in addition to it.
        "languages": ["en", *dict.fromkeys(languages)] if languages else [],
        "tags": list(dict.fromkeys(tags)),
    }
    if medications:
        moud = {"medications": [name for name in MEDICATION_ORDER if name in medications]}
        if is_otp(codes, vintage):
            moud["setting"] = "otp"
        mapped["moud"] = moud
    return mapped
