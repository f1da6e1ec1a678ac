"""The About & data page under AppTest."""

import json

import pytest
from tests.pages_support import app_on, assert_headings_in_order, shown


@pytest.fixture
def about(small_directory, tmp_path, monkeypatch):
    app = app_on(small_directory, monkeypatch, tmp_path).run()
    app.switch_page("pages/about.py").run()
    assert not app.exception
    return app


def page_text(app) -> str:
    return "\n".join(shown(block.value) for block in [*app.markdown, *app.caption])


def test_about_has_its_sections_in_heading_order(about):
    assert about.title[0].value == "About & data"
    assert [header.value for header in about.header] == [
        "What the directory covers",
        "Sources and dates",
        "Suggest a change",
        "Privacy",
        "Need codes in plain words",
    ]
    assert_headings_in_order(about)


def test_coverage_counts_listings_per_category(about):
    text = page_text(about)
    assert "2 listings: 2 at a place (in 1 state: CO) and 0 by phone or online." in text
    assert "| Medication for opioid use disorder | 1 | 1 |" in text
    assert "| Support group meeting | 1 | 0 |" in text


def test_sources_and_dates_come_from_the_entries(about):
    assert "| entered by the directory team | 2 | 2026-10-01 and 2026-10-01 |" in page_text(about)


def test_the_page_links_to_the_suggestion_flow_and_explains_privacy(about):
    assert [link.proto.page for link in about.get("page_link")] == ["suggest"]
    text = page_text(about)
    assert "Searches are not stored." in text
    assert "The coach intake stores nothing about the person." in text
    assert "Suggestions store only what the organization typed" in text


def test_need_codes_are_listed_in_plain_words(about):
    text = page_text(about)
    assert "| buprenorphine | Buprenorphine (Suboxone, Sublocade) |" in text
    assert "| narr_2 | NARR level 2: monitored |" in text
    assert "Who is served" in [shown(subheader.value) for subheader in about.subheader]


def test_sample_listings_are_called_fictional(about):
    assert "Listings marked :orange-badge[Sample] are fictional demo data" in page_text(about)


def test_the_sources_kept_fresh_show_their_dates_and_a_failed_refresh(small_directory, tmp_path, monkeypatch):
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        "  - {name: sussex, format: meeting-guide, url: 'https://example.org/sussexaa.json', out: imported}\n"
        "  - {name: denver-211, format: hsds, path: feeds/denver.zip, out: imported/211}\n"
        "  - {name: new-one, format: oiaa, url: 'https://example.org/oiaa.json', out: imported/oiaa}\n"
    )
    (tmp_path / "sources.state.json").write_text(
        json.dumps(
            {
                "sussex": {"listed_as_of": "2026-11-30", "last_success": "2026-11-30T06:00:00+00:00", "error": None},
                "denver-211": {
                    "listed_as_of": "2019-06-30",
                    "last_success": "2026-11-01T06:00:00+00:00",
                    "error": "feeds/denver.zip: no such folder or file",
                },
            }
        )
    )
    app = app_on(small_directory, monkeypatch, tmp_path).run()
    app.switch_page("pages/about.py").run()

    assert not app.exception
    text = page_text(app)
    assert "| sussex | meeting-guide | 2026-11-30 | 2026-11-30 |" in text
    assert "| denver-211 | hsds | 2019-06-30 | failed: feeds/denver.zip: no such folder or file |" in text
    assert "| new-one | oiaa | no date | not yet |" in text


def test_without_a_sources_file_the_page_lists_no_refreshed_sources(about):
    assert "Sources kept fresh" not in [subheader.value for subheader in about.subheader]


def test_a_source_with_no_date_is_said_to_have_none(tmp_path, monkeypatch):
    from tests.conftest import write_directory

    undated = """\
    - id: hsds-undated
      name: Undated Clinic
      organization: Old 211
      category: treatment_program
      location: {city: Denver, state: CO, zip: "80218"}
      source: hsds
      source_id: s1
      verified_how: import
      listed_as_of: unknown
      listed_from: export
    """
    directory = write_directory(tmp_path / "directory", {"old.yaml": undated})
    app = app_on(directory, monkeypatch, tmp_path).run()
    app.switch_page("pages/about.py").run()

    assert not app.exception
    assert "| an Open Referral (HSDS) data set | 1 | no date given |" in page_text(app)
