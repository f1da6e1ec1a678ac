"""The security headers every HTTP response of the app carries, added by ``serve.py``.

Streamlit's own settings cannot add response headers; its ASGI wrapper (``st.App``) takes
Starlette middleware, which can. What is set here is what the app can promise without breaking
Streamlit's own frontend (which needs inline styles and its bundled scripts):

- ``Content-Security-Policy: frame-ancestors 'none'`` (and ``X-Frame-Options: DENY`` for older
  browsers): no other site may frame the app, so a coach cannot be tricked into clicking in it;
  ``object-src 'none'``, ``base-uri 'self'``, ``form-action 'self'``.
- ``Referrer-Policy: no-referrer``: the address (a search's place and needs) never leaks to the
  sites a listing links to.
- ``X-Content-Type-Options: nosniff``, and ``Permissions-Policy`` turning off the camera,
  microphone and geolocation, none of which the app uses.

What a reverse proxy must add in front (README "Security"): HTTPS with HSTS, and any tighter
``script-src``/``connect-src`` the deployment can afford.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware

SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def security_middleware() -> list[Middleware]:
    return [Middleware(SecurityHeaders)]
