"""What an HSDS service is in our terms: its category, need codes and tags, from its taxonomy terms
(AIRS/211 LA codes and names, Open Eligibility names, any vocabulary naming substance use treatment,
detox, support groups, recovery housing, employment or harm reduction), and the payment and
who-is-served codes its payment and eligibility texts mean. Terms that map to nothing stay as tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from navigator.formats.cleaning import clean_field
from navigator.formats.hsds.package import (
    CATEGORY_TERM_PREFIX,
    NAVIGATOR_TAG_VOCABULARY,
    NAVIGATOR_VOCABULARY,
    Tables,
)

# fmt: off
# Payment and eligibility texts that mean a code; the vocabulary's own labels are added at use.
PAYMENT_WORDS = {
    "medicaid": "medicaid", "medi-cal": "medicaid", "medicare": "medicare",
    "private insurance": "private_insurance", "insurance": "private_insurance",
    "commercial insurance": "private_insurance", "self pay": "self_pay", "self-pay": "self_pay",
    "cash": "self_pay", "check": "self_pay", "credit card": "self_pay", "debit card": "self_pay",
    "sliding scale": "sliding_fee", "sliding fee": "sliding_fee",
    "sliding fee scale": "sliding_fee", "free": "free", "no fee": "free", "no cost": "free",
    "tricare": "military_insurance", "military insurance": "military_insurance",
    "ihs": "ihs_tribal", "indian health service": "ihs_tribal",
}
ELIGIBILITY_WORDS = {
    "adult": "adults", "adults": "adults", "veteran": "veterans", "veterans": "veterans",
    "senior": "seniors", "seniors": "seniors", "older adults": "seniors", "youth": "youth",
    "young adults": "youth", "teen": "youth", "teens": "youth", "adolescents": "youth",
    "children": "youth", "child": "youth", "women": "women", "woman": "women", "female": "women",
    "men": "men", "man": "men", "male": "men", "pregnant women": "pregnant_postpartum",
    "pregnant": "pregnant_postpartum", "lgbtq": "lgbtq", "lgbt": "lgbtq", "lgbtq+": "lgbtq",
    "deaf": "deaf_hard_of_hearing", "hard of hearing": "deaf_hard_of_hearing",
    "reentry": "justice_involved", "re-entry": "justice_involved",
    "ex-offenders": "justice_involved", "formerly incarcerated": "justice_involved",
}
# fmt: on


@dataclass(frozen=True)
class TermRule:
    pattern: re.Pattern
    category: str | None = None
    needs: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    otp: bool = False
    employment: tuple[str, ...] = ()
    fellowship: str | None = None
    # Applies only when no other rule gives the term a category ("Substance Use Disorder
    # Support Groups" is a support group, not a treatment program).
    fallback: bool = False


def _rule(pattern: str, **kwargs) -> TermRule:
    return TermRule(re.compile(pattern, re.IGNORECASE), **kwargs)


_SUBSTANCE = r"(?:substance|drug|alcohol|addict|chemical dependenc|opioid|sud\b)"
# Read against each term's code, name and parent name. Every rule that matches contributes; the
# category is the first one found in CATEGORY_ORDER.
TERM_RULES = (
    _rule(r"\bdetox|withdrawal management", category="treatment_program", needs=("detox",)),
    _rule(r"methadone", category="moud_provider", medications=("methadone",), otp=True),
    _rule(
        r"opioid treatment program|\bOTP\b",
        category="moud_provider",
        medications=("methadone",),
        otp=True,
    ),
    _rule(
        r"buprenorphine|suboxone|subutex|sublocade",
        category="moud_provider",
        medications=("buprenorphine",),
    ),
    _rule(r"naltrexone|vivitrol", category="moud_provider", medications=("naltrexone",)),
    _rule(
        r"medication[- ]assisted|medications? for (?:opioid|addiction|alcohol)|\bMOUD\b|\bMAT\b",
        category="moud_provider",
    ),
    _rule(r"intensive outpatient", category="treatment_program", needs=("intensive_outpatient",)),
    _rule(
        rf"(?=.*{_SUBSTANCE})(?=.*residential|.*inpatient)",
        category="treatment_program",
        needs=("residential",),
    ),
    _rule(rf"(?=.*{_SUBSTANCE})(?=.*outpatient)", category="treatment_program", needs=("outpatient",)),
    _rule(
        rf"{_SUBSTANCE}.*(?:treatment|counsel|rehab|program|services|recovery)|addiction|^RX-84",
        category="treatment_program",
        fallback=True,
    ),
    _rule(r"alcoholics anonymous|\bAA\b meeting", category="support_meeting", fellowship="aa"),
    _rule(r"narcotics anonymous", category="support_meeting", fellowship="na"),
    _rule(r"al-?anon|alateen", category="support_meeting", fellowship="al_anon"),
    _rule(r"nar-?anon", category="support_meeting", fellowship="nar_anon"),
    _rule(r"smart recovery", category="support_meeting", fellowship="smart"),
    _rule(r"celebrate recovery", category="support_meeting", fellowship="celebrate_recovery"),
    _rule(r"recovery dharma", category="support_meeting", fellowship="recovery_dharma"),
    # Only addiction support groups are meetings (AIRS PN-8100.0500, Addiction/Substance Use
    # Support Groups, and its children): a diabetes, grief or mental-health group is not one.
    _rule(r"^PN-8100\.0500|12[- ]step", category="support_meeting"),
    _rule(
        rf"(?=.*(?:support groups?|self[- ]help groups?|mutual (?:aid|support)))"
        rf"(?=.*(?:{_SUBSTANCE}|alcoholi|recovery))",
        category="support_meeting",
    ),
    _rule(
        r"sober living|recovery (?:home|house|residence|housing)|halfway house|oxford house",
        category="recovery_housing",
    ),
    _rule(
        r"job training|vocational (?:training|rehab)|employment training|job readiness"
        r"|skills? training",
        category="employment_service",
        needs=("job_training",),
        employment=("job_training",),
    ),
    _rule(
        r"job (?:placement|search|finding|development|listings)"
        r"|employment (?:services|placement|agencies)",
        category="employment_service",
        needs=("job_placement",),
        employment=("job_placement",),
    ),
    _rule(r"naloxone|narcan", category="harm_reduction", needs=("naloxone",)),
    _rule(r"syringe|needle exchange", category="harm_reduction", needs=("syringe_services",)),
    _rule(r"fentanyl test", category="harm_reduction", needs=("fentanyl_test_strips",)),
    _rule(r"harm reduction", category="harm_reduction"),
    # Crisis lines are lines: AIRS RP-1500 (Crisis Intervention Hotlines/Helplines), or a hotline
    # for a crisis, suicide or substance use. "Crisis intervention" alone is not a line to call.
    _rule(r"^RP-1500", category="crisis_line"),
    _rule(
        rf"(?=.*(?:hotline|helpline|crisis line|lifeline|warm ?line))(?=.*(?:crisis|suicide|{_SUBSTANCE}))",
        category="crisis_line",
    ),
    _rule(r"telehealth|telemedicine", needs=("telehealth",)),
)
CATEGORY_ORDER = (
    "moud_provider",
    "treatment_program",
    "recovery_housing",
    "support_meeting",
    "harm_reduction",
    "employment_service",
    "crisis_line",
)
MEDICATION_ORDER = ("buprenorphine", "methadone", "naltrexone")
# Terms that never make a service one of ours, whatever else they say: courts, probation and victim
# services (AIRS F: Criminal Justice and Legal Services; a drug court is not treatment) and case
# management (a psychiatric case manager is not a meeting).
_NOT_OURS = re.compile(
    r"^F[A-Z]?-|\bcourts?\b|probation|parole|victim|witness|legal (?:aid|services)|case management",
    re.IGNORECASE,
)
# Shelters (AIRS BH-1800, Emergency Shelter) are housing for the night, never treatment.
_SHELTER = re.compile(r"^BH-1800|\bshelters?\b", re.IGNORECASE)
# Prevention, education and testing about drugs are not treatment for a person who uses them.
_NOT_TREATMENT = re.compile(r"prevention|education|awareness|testing", re.IGNORECASE)
_AIRS_CODE = re.compile(r"[A-Z]{1,2}(?:-\d{4}(?:\.\d{4}(?:-\d{3}(?:\.\d{2})?)?)?)?\Z")


class Labels:
    """Texts that mean a payment or who-is-served code: the vocabulary's labels and common words."""

    def __init__(self, vocabulary):
        self.payment = {**PAYMENT_WORDS}
        self.serves = {**ELIGIBILITY_WORDS}
        for code, label in vocabulary.labels.items():
            field = vocabulary.field_of(code)
            if field == "payment":
                self.payment[label.lower()] = code
                self.payment[code.replace("_", " ")] = code
            elif field == "serves":
                self.serves[label.lower()] = code
                self.serves[code.replace("_", " ")] = code
        self.needs = {code for code in vocabulary.codes if vocabulary.field_of(code) == "needs"}
        self.payment_codes = {code for code in vocabulary.codes if vocabulary.field_of(code) == "payment"}
        self.serves_codes = {code for code in vocabulary.codes if vocabulary.field_of(code) == "serves"}
        self.categories = set(vocabulary.categories)
        self.mapped: dict = {}  # map_terms_cached's memory


def service_terms(tables: Tables, service: dict) -> list[dict]:
    # 1.x names the term taxonomy_id; 2.x's service_attributes, taxonomy_term_id.
    ids = [
        (row.get("taxonomy_id") or row.get("taxonomy_term_id") or "").strip()
        for row in tables.service_terms.get(service["id"].strip(), ())
    ]
    ids.extend(part.strip() for part in (service.get("taxonomy_ids") or "").split(","))
    terms = []
    for term_id in dict.fromkeys(term_id for term_id in ids if term_id):
        term = tables.terms.get(term_id)
        terms.append(term if term is not None else {"id": term_id, "name": term_id})
    return terms


def map_terms_cached(terms: list[dict], labels: Labels, from_navigator: bool) -> dict:
    """``map_terms``, remembered per combination of terms: a 211 package of 10,000 services uses
    a few hundred (every regular expression against every term once, not once per service)."""
    key = (
        from_navigator,
        tuple(
            tuple(term.get(field) or "" for field in ("id", "code", "name", "parent_name", "vocabulary", "taxonomy"))
            for term in terms
        ),
    )
    if key not in labels.mapped:
        labels.mapped[key] = map_terms(terms, labels, from_navigator)
    mapped = labels.mapped[key]
    return {name: list(value) if isinstance(value, list) else value for name, value in mapped.items()}


def map_terms(terms: list[dict], labels: Labels, from_navigator: bool) -> dict:
    categories, needs, medications, employment, tags, serves, payment = [], [], set(), [], [], [], []
    fellowship, otp, shelter = None, False, False
    for term in terms:
        name = clean_field(term.get("name")) or clean_field(term.get("id")) or ""
        vocabulary = clean_field(term.get("vocabulary")) or ""
        if from_navigator and vocabulary == NAVIGATOR_VOCABULARY:
            if name.startswith(CATEGORY_TERM_PREFIX) and name[len(CATEGORY_TERM_PREFIX) :] in labels.categories:
                categories.insert(0, name[len(CATEGORY_TERM_PREFIX) :])
            elif name in labels.needs:
                needs.append(name)
            elif name in labels.payment_codes:  # an HSDS 3.0 export of ours carries codes as terms
                payment.append(name)
            elif name in labels.serves_codes:
                serves.append(name)
            else:
                tags.append(name)
            continue
        if from_navigator and vocabulary == NAVIGATOR_TAG_VOCABULARY:
            tags.append(name)
            continue
        code = term_code(term)
        texts = [text for text in (code, name, clean_field(term.get("parent_name"))) if text]
        served = labels.serves.get(name.lower().rstrip("."))
        if served:  # a target population term ("Older Adults"): who is served, not what is offered
            serves.append(served)
            continue
        if any(_SHELTER.search(text) for text in (code, name) if text):
            shelter = True
        if any(_NOT_OURS.search(text) for text in (code, name) if text):
            tags.append(name)
            continue
        matching = [rule for rule in TERM_RULES if any(rule.pattern.search(text) for text in texts)]
        if _NOT_TREATMENT.search(name):
            matching = [rule for rule in matching if rule.category not in ("treatment_program", "moud_provider")]
        if any(rule.category and not rule.fallback for rule in matching):
            matching = [rule for rule in matching if not rule.fallback]
        for rule in matching:
            if rule.category:
                categories.append(rule.category)
            needs.extend(rule.needs)
            medications.update(rule.medications)
            employment.extend(rule.employment)
            otp = otp or rule.otp
            fellowship = fellowship or rule.fellowship
        if not matching:
            tags.append(name)
    if shelter and not from_navigator:
        categories = [category for category in categories if category != "treatment_program"]
        needs = [need for need in needs if need not in ("residential", "detox")]
    category = (
        categories[0]
        if from_navigator and categories
        else next((category for category in CATEGORY_ORDER if category in categories), None)
    )
    return {
        "serves": list(dict.fromkeys(serves)),
        "payment": list(dict.fromkeys(payment)),
        "category": category,
        "needs": list(dict.fromkeys(needs)),
        "medications": [name for name in MEDICATION_ORDER if name in medications],
        "otp": otp,
        "employment": list(dict.fromkeys(employment)),
        "fellowship": fellowship,
        "tags": list(dict.fromkeys(tags)),
    }


def term_code(term: dict) -> str | None:
    """The term's taxonomy code: 3.0's ``code``, else a 1.x id that is an AIRS code (``RX-8450``)."""
    code = clean_field(term.get("code"))
    if code:
        return code
    term_id = clean_field(term.get("id")) or ""
    return term_id if _AIRS_CODE.match(term_id) else clean_field(term.get("id"))


def coded_texts(rows, column: str, words: dict[str, str]) -> tuple[list[str], list[str]]:
    """(codes, texts that are not a code) from payment or eligibility rows."""
    codes, texts = [], []
    for row in rows:
        text = clean_field(row.get(column))
        if not text:
            continue
        code = words.get(text.lower().rstrip("."))
        if code:
            codes.append(code)
        else:
            texts.append(text)
    return list(dict.fromkeys(codes)), list(dict.fromkeys(texts))
