import datetime as dt
from dataclasses import replace

import pytest
import yaml
from tests.intake_directory import DENVER, TUESDAY_3PM, load_intake_directory, moud, place
from ui.intake_copy import PlanCopy

import navigator.plan.ranking as ranking_module
from navigator.directory.loader import load_directory
from navigator.formats.printable import render_html, render_pdf
from navigator.plan.answers import LANGUAGE_REQUIRED, NEEDS, TRAVEL_RADII, TREATMENT_LEVELS, FreeTime, IntakeAnswers
from navigator.plan.build import build_plan
from navigator.plan.ranking import Picks, can_swap, free_windows, shown_options, widen
from navigator.plan.safety import safety_first
from navigator.plan.takehome_plan import TEXT_MESSAGE_LIMIT, printout, text_message
from navigator.search.places import PlaceNotFound
from navigator.search.share import RADIUS_CHOICES

TUESDAY_EVENINGS = (FreeTime(("tue",), dt.time(17), dt.time(22)),)


@pytest.fixture
def directory(tmp_path):
    return load_intake_directory(tmp_path / "directory")


@pytest.fixture
def copy(directory):
    """The plan's words, as the intake screens and take-homes say them."""
    return PlanCopy(directory.vocabulary)


def plan_for(directory, now=TUESDAY_3PM, **answers):
    return build_plan(directory, IntakeAnswers(near="80222", **answers), now)


def ids(section, picks=None):
    return [option.id for option in shown_options(section, picks)]


# --- medication -------------------------------------------------------------------------------


def test_starting_buprenorphine_offers_nearby_prescribers_and_says_why(directory, copy):
    plan = plan_for(directory, needs=("medication",), medication="buprenorphine")
    section = plan.section("medication")
    assert copy.heading(section) == "Start buprenorphine"
    assert set(ids(section)) == {"bup-same-day", "bup-booked"}  # the far clinic is 30 miles out
    assert all("Buprenorphine (Suboxone, Sublocade)" in copy.matched(option) for option in section.options)


def test_a_same_day_start_leaves_out_clinics_that_book_ahead(directory, copy):
    plan = plan_for(directory, needs=("medication",), medication="buprenorphine", same_day=True)
    section = plan.section("medication")
    assert ids(section) == ["bup-same-day"]
    assert "Same-day start" in copy.matched(section.options[0])
    assert "Same-day start" in copy.notes(section.options[0])


def test_a_new_dosing_site_for_methadone_is_a_program_that_takes_transfers(directory, copy):
    plan = plan_for(directory, needs=("medication",), medication="methadone", medication_status="transfer")
    section = plan.section("medication")
    assert copy.heading(section) == "A new place to get methadone"
    assert ids(section) == ["otp-transfers"]  # the nearer program takes no transfers
    assert "Takes transfers" in copy.matched(section.options[0])


def test_not_sure_which_medication_offers_every_kind(directory):
    plan = plan_for(directory, needs=("medication",))
    assert {"bup-same-day", "bup-booked", "otp-transfers", "otp-no-transfers"} <= {
        option.id for option in plan.section("medication").options
    }


# --- housing and gaps -----------------------------------------------------------------------


def test_housing_must_allow_the_persons_own_medication_not_just_medication_in_general(directory):
    on_naltrexone = plan_for(directory, needs=("housing",), housing_medication="naltrexone")
    assert {"house-bup-only", "house-women"} <= set(ids(on_naltrexone.section("housing")))
    on_methadone = plan_for(directory, needs=("housing",), housing_medication="methadone")
    assert on_methadone.section("housing").options == ()


def test_a_housing_gap_is_said_plainly_with_the_radius_that_would_fill_it(directory, copy):
    plan = plan_for(directory, needs=("housing",), housing_medication="methadone")
    gap = plan.gap("housing")
    assert copy.gap_sentence(gap) == "No recovery housing within 25 miles allows methadone."
    assert gap.nearest_miles == pytest.approx(40, abs=0.1)
    assert gap.wider_radius == 50
    assert copy.gap_suggestion(gap) == "The nearest is 40 miles away: widen to 50 miles?"


def test_widening_a_gap_plans_that_need_again_further_out(directory, copy):
    answers = IntakeAnswers(near="80222", needs=("housing", "medication"), housing_medication="methadone")
    first = build_plan(directory, answers, TUESDAY_3PM)
    wider = build_plan(directory, widen(answers, first.gap("housing")), TUESDAY_3PM)
    assert wider.gaps == ()
    assert wider.section("housing").radius == 50
    assert ids(wider.section("housing")) == ["house-methadone-far"]
    assert "Allows methadone" in copy.matched(wider.section("housing").options[0])
    assert wider.section("medication").radius == TRAVEL_RADII["transit"]  # only the gap's need went wider


def test_a_gap_nothing_can_fill_says_there_is_none_within_the_widest_radius(directory, copy):
    plan = plan_for(
        directory,
        needs=("housing",),
        housing_medication="methadone",
        housing_for="women",
        housing_single_gender=True,
    )
    gap = plan.gap("housing")
    assert copy.gap_sentence(gap) == "No recovery housing within 25 miles is for women only and allows methadone."
    assert gap.wider_radius is None and gap.nearest_miles is None
    assert copy.gap_suggestion(gap) == "None in the directory within 250 miles either."


def test_a_gap_within_walking_distance_says_one_mile_not_one_miles(directory, copy):
    plan = plan_for(directory, travel="walk", needs=("medication",), medication="methadone")
    gap = plan.gap("medication")
    assert copy.gap_sentence(gap) == "No methadone provider within 1 mile."
    assert copy.gap_suggestion(gap) == "The nearest is 2 miles away: widen to 5 miles?"
    assert copy.gap_suggestion(replace(gap, nearest_miles=1.2)) == "The nearest is 1 mile away: widen to 5 miles?"
    housing = plan_for(directory, travel="walk", needs=("housing",), housing_medication="methadone")
    assert copy.gap_sentence(housing.gap("housing")) == "No recovery housing within 25 miles allows methadone."


def test_a_house_for_the_other_gender_is_left_out(directory):
    plan = plan_for(directory, needs=("housing",), housing_for="men")
    assert "house-women" not in ids(plan.section("housing"))
    assert "house-bup-only" in ids(plan.section("housing"))


def test_a_house_that_takes_children_is_required_when_children_come_along(directory, copy):
    plan = plan_for(directory, needs=("housing",), housing_children=True)
    assert copy.gap_sentence(plan.gap("housing")) == "No recovery housing within 25 miles takes children."
    assert plan.gap("housing").wider_radius == 50


def test_housing_needed_now_puts_houses_with_free_beds_first(tmp_path):
    loaded = load_intake_directory(
        tmp_path / "directory",
        extra=[
            place(
                "house-with-a-bed",
                "recovery_housing",
                45.0,
                housing={"gender": "any", "beds_available": 1, "beds_counted": "2026-11-12"},
            )
        ],
    )
    answers = IntakeAnswers(near="80222", needs=("housing",), widened={"housing": 50.0})
    now = build_plan(loaded, answers, TUESDAY_3PM).section("housing")
    assert now.options[0].id == "house-methadone-far"  # two beds free; the nearer houses did not say
    assert "2 beds free (counted Nov 10)" in PlanCopy(loaded.vocabulary).notes(now.options[0])
    soon = build_plan(loaded, replace(answers, housing_timing="soon"), TUESDAY_3PM).section("housing")
    assert soon.options[0].id == "house-bup-only"  # nearest first when a bed is not needed today


# --- treatment, work, harm reduction ----------------------------------------------------------


def test_detox_is_looked_for_as_far_as_a_stay_and_outpatient_care_as_far_as_a_daily_trip(directory):
    plan = plan_for(directory, needs=("treatment",), treatment_levels=("detox", "intensive_outpatient"))
    assert plan.section("treatment-detox").radius == 25
    assert ids(plan.section("treatment-detox")) == ["detox-center"]  # 20 miles away
    assert plan.section("treatment-intensive_outpatient").radius == TRAVEL_RADII["transit"]
    assert ids(plan.section("treatment-intensive_outpatient")) == ["iop-near"]


def test_several_kinds_of_supplies_rank_places_that_have_more_of_them_first(directory):
    plan = plan_for(directory, needs=("harm_reduction",), supplies=("naloxone", "fentanyl_test_strips"))
    assert ids(plan.section("harm_reduction")) == ["strips-and-naloxone", "naloxone-pharmacy"]


def test_work_kinds_are_alternatives(directory):
    plan = plan_for(directory, needs=("work",), work=("job_training", "second_chance"))
    assert set(ids(plan.section("work"))) == {"jobs-training", "jobs-second-chance"}


# --- fit: preferences and must-haves ----------------------------------------------------------


def test_payment_ranks_higher_unless_it_is_a_must_have(directory, copy):
    preferred = plan_for(directory, needs=("medication",), medication="buprenorphine", payment=("medicaid",))
    assert ids(preferred.section("medication")) == [
        "bup-same-day",
        "bup-booked",
    ]  # farther, but takes Medicaid
    assert copy.fit(preferred.section("medication").options[0]) == ("Medicaid",)
    required = plan_for(
        directory,
        needs=("medication",),
        medication="buprenorphine",
        payment=("medicaid",),
        must_have=("medicaid",),
    )
    assert ids(required.section("medication")) == ["bup-same-day"]


def test_payment_never_narrows_meetings(directory):
    plan = plan_for(directory, needs=("meetings",), must_have=("medicaid",), fellowships=("aa",))
    assert "aa-tuesday-evening" in ids(plan.section("meetings"))


def test_a_wanted_language_ranks_speakers_first_and_a_required_one_keeps_only_them(directory, copy):
    wanted = plan_for(directory, needs=("medication",), medication="buprenorphine", language="es")
    assert ids(wanted.section("medication")) == ["bup-same-day", "bup-booked"]
    assert "In Spanish" in copy.fit(wanted.section("medication").options[0])
    required = plan_for(
        directory,
        needs=("medication",),
        medication="buprenorphine",
        language="es",
        must_have=(LANGUAGE_REQUIRED,),
    )
    assert ids(required.section("medication")) == ["bup-same-day"]


def test_a_required_language_nobody_speaks_is_named_in_the_gap(directory, copy):
    plan = plan_for(
        directory,
        needs=("treatment",),
        treatment_levels=("detox",),
        language="vi",
        must_have=(LANGUAGE_REQUIRED,),
    )
    assert copy.gap_sentence(plan.gap("treatment-detox")) == (
        "No detox program within 25 miles offers services in Vietnamese."
    )


def test_no_photo_id_flags_places_that_ask_for_one(directory, copy):
    plan = plan_for(directory, needs=("medication",), medication="buprenorphine", same_day=True, no_id=True)
    assert "Asks for: Photo ID. Call ahead about other proof" in copy.notes(plan.section("medication").options[0])


# --- meetings and free times ------------------------------------------------------------------


def test_meetings_are_the_ones_that_start_while_they_are_free(directory):
    plan = plan_for(directory, needs=("meetings",), fellowships=("aa", "na"), free_times=TUESDAY_EVENINGS)
    offered = ids(plan.section("meetings"))
    assert "aa-tuesday-evening" in offered
    assert "na-saturday-morning" not in offered
    # It started at 4:30, before they are free at 5: arriving half an hour late is no plan.
    assert "aa-tuesday-late-afternoon" not in offered
    # An online room open all day is there whenever they are free.
    assert "aa-online-room" in offered


def test_an_online_meeting_shows_on_the_participants_own_clock(directory, copy):
    plan = plan_for(directory, needs=("meetings",), fellowships=("aa",), free_times=TUESDAY_EVENINGS)
    room = next(option for option in plan.section("meetings").options if option.id == "aa-online-room")
    assert room.hit.next_open == dt.datetime(2026, 11, 17, 17, 0, tzinfo=DENVER)  # 7 PM in New York
    assert "5:00 PM" in copy.when(room, plan.made_at)


def test_without_online_meetings_only_in_person_ones_are_offered(directory):
    plan = plan_for(directory, needs=("meetings",), remote_ok=False)
    assert "aa-online-room" not in ids(plan.section("meetings"))


def test_free_windows_cover_each_free_time_once_in_the_coming_week():
    evenings = FreeTime(("tue", "wed"), dt.time(17), dt.time(22))
    windows = free_windows([evenings], DENVER, dt.datetime(2026, 11, 17, 18, 30, tzinfo=DENVER))
    assert windows == [
        (dt.datetime(2026, 11, 17, 18, 30, tzinfo=DENVER), 3.5),  # already begun: from now
        (dt.datetime(2026, 11, 18, 17, 0, tzinfo=DENVER), 5.0),
    ]
    late = free_windows([evenings], DENVER, dt.datetime(2026, 11, 17, 23, 0, tzinfo=DENVER))
    assert [start.date() for start, _ in late] == [dt.date(2026, 11, 18), dt.date(2026, 11, 24)]


def test_a_free_time_past_midnight_ends_the_next_day():
    nights = FreeTime(("sat",), dt.time(22), dt.time(2))
    [(start, hours)] = free_windows([nights], DENVER, TUESDAY_3PM)
    assert start == dt.datetime(2026, 11, 21, 22, 0, tzinfo=DENVER) and hours == 4


# --- safety first -----------------------------------------------------------------------------


def test_just_released_puts_naloxone_never_use_alone_and_the_fastest_start_first_and_says_why(directory, copy):
    plan = plan_for(directory, needs=("housing",), high_risk_moment="released")
    urgent = plan.urgent
    assert [option.id for option in urgent.options[:3]] == [
        "naloxone-pharmacy",
        "line-never-alone",
        "bup-same-day",
    ]
    assert [copy.role(option.role) for option in urgent.options[:3]] == [
        "Naloxone",
        "Never use alone",
        "Fastest medication start",
    ]
    assert "highest in the first weeks after release" in copy.safety_reason(urgent)
    _, [safety_section, *_], _ = printout(directory, plan, copy)
    assert "911" in safety_section.note


def test_at_risk_without_a_place_lists_the_national_lines(directory):
    safety = safety_first(directory, IntakeAnswers(in_danger=True))
    assert [option.id for option in safety.options] == [
        "line-988",
        "line-helpline",
        "line-never-alone",
    ]
    assert safety.reason is None


def test_sample_entries_never_stand_in_for_crisis_lines_or_naloxone(tmp_path):
    from tests.intake_directory import ALWAYS, national, write_intake_directory
    from tests.intake_directory import place as nearby

    sample = [
        national("sample-line", "crisis_line", title="Fictional Line", sample=True),
        nearby("sample-naloxone", "harm_reduction", 0.1, hours=ALWAYS, needs=["naloxone"], sample=True),
    ]
    folder = write_intake_directory(tmp_path / "directory")
    # Read before the real entries, so on a tie in every other respect the sample ones come first.
    (folder / "a-sample.yaml").write_text(yaml.safe_dump(sample, sort_keys=False), encoding="utf-8")
    directory = load_directory(folder, use_cache=False, today=TUESDAY_3PM.date())
    plan = plan_for(directory, needs=("housing",), overdose_risk=True)
    offered = [option.id for option in plan.urgent.options]
    assert "sample-line" not in offered and "sample-naloxone" not in offered
    assert offered[:3] == ["line-988", "line-helpline", "naloxone-pharmacy"]


def test_no_risk_means_no_safety_section(directory):
    assert plan_for(directory, needs=("work",)).urgent is None


# --- swap, pin, drop --------------------------------------------------------------------------


def test_swap_brings_in_the_next_option_and_drop_leaves_one_fewer(directory):
    section = plan_for(directory, needs=("medication",)).section("medication")
    first_three = ids(section)
    assert len(first_three) == 3 and len(section.options) == 4
    swapped = Picks().swap(first_three[0])
    assert ids(section, swapped) == [*first_three[1:], section.options[3].id]
    assert not can_swap(section, swapped)  # nothing left to bring in
    dropped = Picks().drop(first_three[0])
    assert ids(section, dropped) == first_three[1:]


def test_a_pinned_option_stays_when_the_others_are_swapped(directory):
    section = plan_for(directory, needs=("medication",)).section("medication")
    pinned_id = ids(section)[2]
    picks = Picks().pin(pinned_id).swap(ids(section)[0]).swap(ids(section)[1])
    assert pinned_id in ids(section, picks)
    assert Picks().pin(pinned_id).pin(pinned_id).pinned == frozenset()  # pin again: unpinned


# --- taking it home ---------------------------------------------------------------------------


def test_the_text_message_fits_in_640_characters_with_every_need_and_a_high_risk_moment(tmp_path):
    long_name = "The Extremely Long Named Community Recovery And Wellness Program Of The Front Range"
    loaded = load_intake_directory(
        tmp_path / "directory",
        extra=[
            place(
                f"long-{number}",
                "moud_provider",
                1 + number / 10,
                title=f"{long_name} {number}",
                hours="24/7",
                moud=moud(["buprenorphine", "methadone", "naltrexone"], same_day=True),
                needs=["outpatient", "intensive_outpatient", "residential", "detox"],
                phones=[{"number": "303-555-0199", "type": "intake"}],
            )
            for number in range(4)
        ],
    )
    plan = plan_for(
        loaded,
        needs=NEEDS,
        high_risk_moment="released",
        in_danger=True,
        treatment_levels=TREATMENT_LEVELS,
    )
    message = text_message(loaded, plan, PlanCopy(loaded.vocabulary))
    assert len(message) <= TEXT_MESSAGE_LIMIT
    assert message.endswith("More on your printed plan.")
    assert "Naloxone: Corner Pharmacy Naloxone, 303-555-0100" in message


def test_the_text_message_gives_the_pinned_choice_of_each_need(directory, copy):
    plan = plan_for(directory, needs=("medication", "work"), medication="buprenorphine")
    message = text_message(directory, plan, copy, {"medication": Picks().pin("bup-booked")})
    assert "Start buprenorphine: Booked Bup Office" in message
    assert "Work and training: " in message
    assert len(message) <= TEXT_MESSAGE_LIMIT and "More on your printed plan." not in message


def test_the_text_message_says_a_single_gender_house_is_for_men_or_women_only(directory, copy):
    plan = plan_for(directory, needs=("housing",), housing_for="women", housing_single_gender=True)
    assert ids(plan.section("housing"))[0] == "house-women"
    assert "Recovery housing: Womens House (Women only)" in text_message(directory, plan, copy)
    anyone = plan_for(directory, needs=("housing",), housing_for="men")
    line = next(line for line in text_message(directory, anyone, copy).splitlines() if "housing" in line)
    assert "only" not in line  # a house for anyone says nothing about who it takes


def test_the_printout_names_the_participant_only_in_its_subtitle_and_keeps_the_coachs_picks(directory, copy):
    plan = plan_for(
        directory,
        needs=("medication", "housing"),
        medication="buprenorphine",
        housing_medication="methadone",
        high_risk_moment="detox",
    )
    title, sections, subtitle = printout(directory, plan, copy, {"medication": Picks().drop("bup-booked")}, " Ana\n")
    assert subtitle.startswith("Prepared for Ana · Made Nov 17, 2026")
    assert [section.heading for section in sections] == [
        "Safety first",
        "Start buprenorphine",
        "Recovery housing",
    ]
    assert "after detox" in sections[0].note
    assert [resource.id for resource in sections[1].resources] == ["bup-same-day"]
    assert sections[2].note == "No recovery housing within 25 miles allows methadone."
    page = render_html(title, sections, subtitle)
    assert page.count("Ana") == 1
    assert "Same Day Bup Clinic" in page and "Booked Bup Office" not in page
    assert render_pdf(title, sections, subtitle).startswith(b"%PDF")


# --- the calls it makes -----------------------------------------------------------------------


def test_a_place_that_cannot_be_found_offline_is_refused(directory):
    with pytest.raises(PlaceNotFound):
        build_plan(directory, IntakeAnswers(near="1600 Pennsylvania Ave", needs=("work",)), TUESDAY_3PM)


def test_a_full_plan_runs_a_bounded_number_of_searches(directory, monkeypatch):
    calls = []
    real_search = ranking_module.search
    monkeypatch.setattr(
        ranking_module,
        "search",
        lambda *args, **kwargs: calls.append(1) or real_search(*args, **kwargs),
    )
    plan_for(
        directory,
        needs=NEEDS,
        high_risk_moment="released",
        fellowships=("aa", "na"),
        treatment_levels=("outpatient", "detox"),
        free_times=(FreeTime(("mon", "tue", "wed", "thu", "fri"), dt.time(17), dt.time(22)),),
    )
    # Safety 5, medication 3, treatment 2 (+1 for the outpatient gap's wider look), meetings
    # 2 fellowships x 5 evenings, housing 1, work 3, harm reduction 1: 26 vectorised searches.
    assert len(calls) <= 26


def test_take_homes_give_absolute_days_and_times_mark_the_chosen_option_and_speak_to_the_participant(directory):
    from navigator.formats.printable import render_text

    plan = plan_for(directory, needs=("medication", "meetings"), medication="buprenorphine", overdose_risk=True)
    words = PlanCopy(directory.vocabulary, DENVER, to_participant=True)
    picks = {"medication": Picks().pin("bup-booked")}
    title, sections, subtitle = printout(directory, plan, words, picks)
    texts = [
        render_text(title, sections, subtitle),
        render_html(title, sections, subtitle),
        text_message(directory, plan, words, picks),
    ]
    for text in texts:
        for relative in ("Open now", "In session now", "today", "tomorrow", "Starts in", "Next meeting"):
            assert relative not in text
        assert "They may be" not in text
    medication = next(section for section in sections if section.heading == "Start buprenorphine")
    assert [resource.chosen for resource in medication.resources][:1] == [True]
    assert "Chosen: Booked Bup Office" in texts[0]
    meeting = next(resource for section in sections for resource in section.resources if resource.is_meeting)
    assert meeting.hours and all(line.endswith(" MT") for line in meeting.hours)
    assert sections[0].note.startswith("Keep these close")


def test_the_intake_offers_the_same_travel_distances_as_the_find_form():
    for travel, radius in TRAVEL_RADII.items():
        assert radius == RADIUS_CHOICES[travel][1]
        assert IntakeAnswers(travel=travel).radius == radius
