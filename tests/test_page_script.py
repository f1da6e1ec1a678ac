"""The page's own scripts (ui/page_script.py, ui/language.py) carry no markup or script from their
values: a hostile string stays text, in HTML and inside the script."""

import pytest
from ui.language import language_script
from ui.page_script import _TEMPLATES, render

HOSTILE = "</script><img src=x onerror=alert(1)>\"'`${1}"


def test_the_copy_link_button_shows_hostile_words_as_text_and_passes_them_to_the_script_as_json():
    body = _TEMPLATES.get_template("copy_link.html.j2").render(label=HOSTILE, copied=HOSTILE, copy_by_hand=HOSTILE)
    assert "<img" not in body
    assert body.count("</script>") == 1  # only the template's own
    assert "&lt;/script&gt;&lt;img" in body  # the button's label, escaped


def test_scrolling_into_view_names_its_element_without_markup_from_the_key():
    body = _TEMPLATES.get_template("scroll_into_view.html.j2").render(key=HOSTILE, key_class=HOSTILE, run=1)
    assert "<img" not in body
    assert body.count("</script>") == body.count("<script")


def test_the_document_language_script_takes_only_a_language_of_the_interface():
    assert language_script("es") == '<script>document.documentElement.lang = "es";</script>'
    with pytest.raises(ValueError):
        language_script(HOSTILE)


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("offscreen_element.html.j2", {"key": HOSTILE}),
        ("hidden_element.html.j2", {"key": HOSTILE}),
        ("crisis_dock_style.html.j2", {"dock_key": HOSTILE, "live_prefix": HOSTILE}),
    ],
)
def test_the_page_styles_carry_no_markup_from_their_values(template, values):
    body = render(template, **values)
    assert "<img" not in body and "<script" not in body
    assert body.count("<style>") == body.count("</style>") == 1


def test_the_document_language_template_keeps_even_a_hostile_value_inside_its_script():
    body = render("document_language.html.j2", language=HOSTILE)
    assert "<img" not in body
    assert body.count("</script>") == body.count("<script") == 1


def test_the_frames_styles_are_rendered_once_and_templates_not_checked_on_disk_each_time(monkeypatch):
    """The crisis dock's style and the copy-link button are the same on every page run."""
    from ui import page_script

    rendered, shown = [], []
    real = page_script.render
    monkeypatch.setattr(
        page_script, "render", lambda template, **values: rendered.append(template) or real(template, **values)
    )
    monkeypatch.setattr(page_script, "show_rendered", shown.append)
    page_script._rendered.cache_clear()
    for _ in range(3):
        page_script.page_html("hidden_element.html.j2", key="twice")
        page_script.scroll_into_view("results")
    assert rendered == ["hidden_element.html.j2"] + ["scroll_into_view.html.j2"] * 3
    assert len(set(shown[1::2])) == 3  # each scroll is new, so the browser runs it again
    assert not _TEMPLATES.auto_reload
