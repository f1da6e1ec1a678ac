"""The security headers serve.py adds to every response (a real server on 127.0.0.1)."""

from __future__ import annotations

import urllib.request

import pytest
from ui.headers import SECURITY_HEADERS


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/static/nothing-here.js"])
def test_every_response_forbids_framing_sniffing_and_referrers(running_app, path):
    request = urllib.request.Request(running_app.url + path)
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:  # a 404 carries the headers too
        response = error
    headers = response.headers

    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert {name: headers[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS
