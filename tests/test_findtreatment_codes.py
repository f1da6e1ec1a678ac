"""FindTreatment.gov's codes: the mapping checked against the 2025 dictionary in ../shared/data, the vintages,
the order of lists, and the contract's codes one by one."""

from __future__ import annotations

import pytest
from tests.conftest import shared_data

from navigator.formats.findtreatment_codes import (
    CURRENT,
    LEGACY,
    SERVICE_NAMES,
    code_for_name,
    detect_vintage,
    map_codes,
)


def test_the_vintage_follows_the_telling_codes_then_the_year():
    assert detect_vintage({"CASH", "MI"}, 2019)[0] is CURRENT
    assert detect_vintage({"SF", "MI"}, 2024)[0] is LEGACY
    assert detect_vintage({"MI"}, 2019)[0] is LEGACY
    assert detect_vintage({"MI"}, 2023)[0] is CURRENT
    assert detect_vintage({"MI"}, None)[0] is CURRENT


def dictionary_2025() -> dict[str, str]:
    """FindTreatment.gov's 2025 code dictionary (code -> name), read from ../shared/data."""
    path = shared_data("findtreatment", "service-codes-2025.tsv")
    with open(path, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle.readlines()[1:] if line.strip()]
    assert len(rows) == 312
    return {code: name for code, name in rows}


def test_every_code_the_current_mapping_names_is_in_the_2025_dictionary():
    mapped = {*CURRENT.medications, *CURRENT.otp, *CURRENT.needs, *CURRENT.payment, *CURRENT.serves, *CURRENT.languages}

    assert sorted(mapped - set(dictionary_2025())) == ["OIT"]  # the older intensive-outpatient code, still read


def test_every_service_name_the_api_is_read_by_is_the_2025_dictionary_s_name_of_its_code():
    dictionary = dictionary_2025()

    assert {code: name for code, name in SERVICE_NAMES.items() if dictionary.get(code) != name} == {}


def test_every_current_code_that_maps_can_be_read_by_its_name_from_the_api():
    mapped = {*CURRENT.medications, *CURRENT.otp, *CURRENT.needs, *CURRENT.payment, *CURRENT.serves, *CURRENT.languages}
    dictionary = dictionary_2025()

    for code in sorted(mapped - {"OIT"}):
        assert code_for_name(dictionary[code]) is not None, code
        assert map_codes([code_for_name(dictionary[code])], CURRENT) == map_codes([code], CURRENT), code


def test_lists_follow_the_mapping_order_then_the_alphabet_whatever_order_the_codes_come_in():
    codes = ["ZZZ_FUTURE", "CBT", "TRICARE", "SS", "CASH", "PI", "MC", "MD", "SA", "TELE", "OP", "SP", "F17"]

    for ordered in (codes, list(reversed(codes)), sorted(codes)):
        mapped = map_codes(CURRENT.sorted(ordered), CURRENT)
        assert mapped["payment"] == [
            "medicaid", "medicare", "private_insurance", "self_pay", "sliding_fee", "military_insurance",
        ]  # fmt: skip
        assert mapped["needs"] == ["outpatient", "telehealth"] and mapped["languages"] == ["en", "es", "zh"]
        assert mapped["tags"] == ["CBT", "SA", "ZZZ_FUTURE"]


@pytest.mark.parametrize(
    ("codes", "field", "value"),
    [
        (("BU", "BUM", "DB", "UB", "BWN", "BWON", "BERI", "BSDM"), "moud", "buprenorphine"),
        (("MU", "MM", "DM", "METH"), "moud", "methadone"),
        (("NU", "UN", "RPN", "NXN", "VTRL"), "moud", "naltrexone"),
        (("OP",), "needs", "outpatient"),
        (("IOP", "OIT"), "needs", "intensive_outpatient"),
        (("RES", "RS", "RL"), "needs", "residential"),
        (("DT", "HID", "OD", "RD"), "needs", "detox"),
        (("HH",), "needs", "recovery_housing"),
        (("TELE",), "needs", "telehealth"),
        (("MD",), "payment", "medicaid"),
        (("MC",), "payment", "medicare"),
        (("PI",), "payment", "private_insurance"),
        (("CASH",), "payment", "self_pay"),
        (("SS",), "payment", "sliding_fee"),
        (("TRICARE",), "payment", "military_insurance"),
        (("ITU", "IHS"), "payment", "ihs_tribal"),
        (("WN",), "serves", "women"),
        (("MN",), "serves", "men"),
        (("PW",), "serves", "pregnant_postpartum"),
        (("VET",), "serves", "veterans"),
        (("SEN", "SNR"), "serves", "seniors"),
        (("ADOL", "CH_AD"), "serves", "youth"),
        (("ASL",), "serves", "deaf_hard_of_hearing"),
        (("SP",), "languages", "es"),
    ],
)
def test_the_contract_codes_map_one_by_one(codes, field, value):
    for code in codes:
        mapped = map_codes([code], CURRENT)
        got = mapped["moud"]["medications"] if field == "moud" else mapped[field]
        assert value in got, code


@pytest.mark.parametrize(
    ("code", "legacy", "current"),
    [
        ("MI", ("payment", "military_insurance"), ("tags", "MI")),
        ("SF", ("payment", "self_pay"), ("tags", "SF")),
        ("CT", ("needs", "telehealth"), ("tags", "CT")),
        ("CASH", ("tags", "CASH"), ("payment", "self_pay")),
        ("TELE", ("needs", "telehealth"), ("needs", "telehealth")),
    ],
)
def test_a_code_that_drifted_means_what_its_vintage_says(code, legacy, current):
    assert legacy[1] in map_codes([code], LEGACY)[legacy[0]]
    assert current[1] in map_codes([code], CURRENT)[current[0]]
    assert dictionary_2025().get("MI") == "Motivational interviewing"
