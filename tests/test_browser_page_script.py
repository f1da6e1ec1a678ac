"""The page's own scripts (ui/templates) in a real Chromium, on a page of their own, with the page's
clock under the test's control (Playwright's ``page.clock``): what they do over time is checked
without waiting for it."""

from __future__ import annotations

import pytest
from tests.browser import open_page
from ui.page_script import render

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
RESULTS = "results-top"
# A tall form above the results and cards below them, as on a phone after Search.
PAGE = """<!DOCTYPE html><html><body style="margin:0">
<div id="form" style="height:3000px">the form</div>
<div class="st-key-{key}" style="height:40px">Results</div>
<div style="height:3000px">cards</div>
{script}
</body></html>"""


@pytest.fixture
def phone_page(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": 375, "height": 700}) as page:
        page.clock.install()
        script = render("scroll_into_view.html.j2", key=RESULTS, key_class=f"st-key-{RESULTS}", run=1)
        page.set_content(PAGE.format(key=RESULTS, script=script))
        page.clock.run_for(50)  # the script's first animation frame: the results come into view
        yield page


def results_top(page) -> float:
    return page.evaluate(f"() => document.querySelector('.st-key-{RESULTS}').getBoundingClientRect().top")


def test_the_results_come_to_the_top_and_are_brought_back_after_later_drawing_moves_them(phone_page):
    assert results_top(phone_page) == 0
    phone_page.evaluate("() => window.scrollTo(0, 0)")  # as the map and cards drawn later push them

    phone_page.clock.run_for(500)

    assert results_top(phone_page) == 0


def test_once_the_person_touches_the_page_it_no_longer_moves_by_itself(phone_page):
    # A tap on a link the moment the results appeared landed elsewhere: the page jumped back to the
    # results between the press and the release (a flaky "Did you mean" click in the browser tests).
    phone_page.mouse.click(100, 300)  # a tap, then the person scrolls back up to the form
    phone_page.evaluate("() => window.scrollTo(0, 0)")

    phone_page.clock.run_for(2_000)

    assert phone_page.evaluate("() => window.scrollY") == 0


def test_scrolling_with_the_wheel_stops_the_page_moving_by_itself_too(phone_page):
    shown_at = phone_page.evaluate("() => window.scrollY")
    phone_page.mouse.move(100, 300)
    phone_page.mouse.wheel(0, -200)  # a little way back up
    phone_page.wait_for_function("(shownAt) => window.scrollY < shownAt", arg=shown_at)  # the wheel is delivered later
    scrolled_to = phone_page.evaluate("() => window.scrollY")

    phone_page.clock.run_for(2_000)

    assert phone_page.evaluate("() => window.scrollY") == scrolled_to


def test_a_key_press_stops_the_page_moving_by_itself_too(phone_page):
    phone_page.keyboard.press("Home")
    phone_page.evaluate("() => window.scrollTo(0, 0)")  # where Home takes the person

    phone_page.clock.run_for(2_000)

    assert phone_page.evaluate("() => window.scrollY") == 0
