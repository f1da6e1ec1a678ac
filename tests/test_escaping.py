import re

from navigator.text import (
    html_text,
    markdown_badge,
    markdown_link,
    markdown_table,
    markdown_text,
    plain_text,
    safe_url,
)

ACTIVE_IN_MARKDOWN = "*_[]()<>`#|~$:&!\\{}+-.=@^"


def unescaped_specials(text: str) -> list[str]:
    """Markdown-active characters in ``text`` that no backslash escapes."""
    found, escaped = [], False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ACTIVE_IN_MARKDOWN:
            found.append(char)
    return found


def test_a_name_with_markdown_and_a_javascript_link_is_escaped_character_by_character():
    shown = markdown_text("**x** [y](javascript:alert(1))")
    assert unescaped_specials(shown) == []
    assert shown.replace("\\", "") == "**x** [y](javascript:alert(1))"


def test_html_in_a_name_is_escaped_for_markdown():
    shown = markdown_text("<img src=x onerror=alert(1)>")
    assert unescaped_specials(shown) == []
    assert shown.startswith("\\<img")


def test_newlines_cannot_start_a_heading_a_list_or_a_code_block():
    shown = markdown_text("Clinic\n# Heading\n- item\n\n    code")
    assert "\n" not in shown
    assert unescaped_specials(shown) == []
    assert shown.replace("\\", "") == "Clinic # Heading - item code"


def test_emoji_and_icon_shortcodes_stay_text():
    shown = markdown_text("Open :smile: and :material/home: now")
    assert ":smile:" not in shown.replace("\\", "")
    assert ":material/home:" not in shown.replace("\\", "")


def test_plain_punctuation_stays_readable():
    assert markdown_text("Mothers' Bridge, Denver; open?") == "Mothers' Bridge, Denver; open?"


def test_control_characters_are_dropped():
    assert plain_text("A\x00B\x1bC\u0085") == "ABC"


def test_html_text_escapes_markup_and_both_quotes():
    assert html_text("<a href=\"x\" title='y'>&</a>") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;"
    )


def test_safe_url_refuses_scripts_data_and_malformed_links():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("JAVASCRIPT:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("https://exa mple.org") is None
    assert safe_url("http:///no-host") is None
    assert safe_url("tel:+13035550100", ("http", "https")) is None
    assert safe_url(None) is None


def test_safe_url_accepts_web_phone_text_and_mail_links():
    for url in (
        "https://example.org/a?b=c",
        "http://example.org",
        "tel:+13035550100",
        "sms:+13035550100",
        "mailto:intake@example.org",
    ):
        assert safe_url(url) == url


def test_a_link_to_javascript_becomes_plain_text():
    assert markdown_link("Website", "javascript:alert(1)") == "Website"


def test_a_link_keeps_its_label_as_text_and_cannot_be_closed_early():
    link = markdown_link("[click](x)", "https://example.org/a_(b) c")
    # a space makes the URL unsafe; a parenthesis in a safe one is percent-encoded
    assert link == markdown_text("[click](x)")
    link = markdown_link("Site", "https://example.org/a_(b)")
    assert link == "[Site](https://example.org/a_%28b%29)"


def test_a_badge_keeps_brackets_in_its_label_as_text():
    badge = markdown_badge("Level ] :red[x]", "orange")
    assert badge.startswith(":orange-badge[") and badge.endswith("]")
    assert unescaped_specials(badge[len(":orange-badge[") : -1]) == []


def test_table_cells_cannot_add_columns():
    table = markdown_table(["Code", "Means"], [["a|b", "c\nd"]])
    rows = table.splitlines()
    assert len(rows) == 3
    assert rows[2] == "| a\\|b | c d |"


def test_bare_web_addresses_and_emails_in_text_never_become_links():
    shown = markdown_text("See https://evil.example/x, www.evil.example or mail boss@evil.example now")
    visible = shown.replace("\\", "")

    # GFM's autolink literals start at "scheme://", "www." and "local@": none survives as written.
    assert "://" not in visible.replace("\u200b://", "")
    assert "www." not in visible and not re.search(r"[A-Za-z0-9]@", visible)
    assert visible.replace("\u200b", "") == "See https://evil.example/x, www.evil.example or mail boss@evil.example now"


def test_an_entrys_own_website_is_still_a_link():
    assert markdown_link("Website", "https://example.org/x") == "[Website](https://example.org/x)"
