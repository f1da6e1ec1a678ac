from urllib.parse import parse_qs, urlsplit

from navigator.search.links import address_text, directions_url, sms_href, tel_href


def test_a_us_number_dials_with_the_country_code():
    assert tel_href("303-555-0142") == "tel:+13035550142"
    assert tel_href("1 (303) 555-0142") == "tel:+13035550142"


def test_short_codes_dial_as_they_are():
    assert tel_href("988") == "tel:988"
    assert tel_href("911") == "tel:911"


def test_an_international_number_keeps_its_plus():
    assert tel_href("+44 20 7946 0958") == "tel:+442079460958"


def test_an_extension_is_dialled_after_the_number():
    assert tel_href("303-555-0142 x12") == "tel:+13035550142;ext=12"
    assert tel_href("303-555-0142 ext. 7") == "tel:+13035550142;ext=7"


def test_a_number_without_digits_has_no_link():
    assert tel_href("call us") is None
    assert sms_href("") is None


def test_a_text_line_opens_a_text_message():
    assert sms_href("720-555-0161") == "sms:+17205550161"


def test_address_text_joins_the_parts_people_write_on_an_envelope():
    location = {
        "address": "1234 E Colfax Ave",
        "address_2": "Suite 200",
        "city": "Denver",
        "state": "CO",
        "zip": "80218",
    }
    assert address_text(location) == "1234 E Colfax Ave, Suite 200, Denver, CO 80218"
    assert address_text({"city": "Denver", "state": "CO"}) == "Denver, CO"
    assert address_text(None) is None


def test_directions_go_to_the_street_address():
    url = directions_url({"address": "1 Main St", "city": "Denver", "state": "CO", "zip": "80222"})
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname) == ("https", "www.google.com")
    assert parse_qs(parts.query)["destination"] == ["1 Main St, Denver, CO 80222"]


def test_directions_use_an_exact_position_when_there_is_no_street():
    url = directions_url({"city": "Denver", "state": "CO", "latitude": 39.7, "longitude": -104.9})
    assert parse_qs(urlsplit(url).query)["destination"] == ["39.7,-104.9"]


def test_a_place_known_only_by_its_zip_gets_no_directions():
    assert directions_url({"city": "Denver", "state": "CO", "zip": "80222"}) is None
    assert directions_url(None) is None
