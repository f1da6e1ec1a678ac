"""Who is on the other end of this session, for the abuse limits: the client's address.

Streamlit gives the connection's address (``st.context.ip_address``). Behind a reverse proxy that
is the proxy's own, so the operator names the header the proxy writes the client's address into
(``NAVIGATOR_TRUSTED_CLIENT_HEADER``, for example ``X-Forwarded-For``); only that header is
trusted, and only when it is configured, since anyone can send any header to the app directly.
"""

from __future__ import annotations

import streamlit as st

from navigator.review.limits import client_of
from navigator.settings import load_settings


def client_address() -> str:
    try:
        address, headers = st.context.ip_address, st.context.headers
    except (AttributeError, RuntimeError):  # no browser connection (a script run on its own)
        address, headers = None, None
    return client_of(address, headers, load_settings().trusted_client_header)
