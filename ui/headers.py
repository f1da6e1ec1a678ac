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

SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to each HTTP response's start, leaving its body alone.

    A plain ASGI middleware, not Starlette's ``BaseHTTPMiddleware``: that one passes every
    response body through a memory stream and a task group, which slowed the ~100 scripts and
    fonts of a first page (1.3 MB) served by the same event loop as the sessions.
    """

    def __init__(self, app):
        self.app = app
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                added = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", ()), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_middleware() -> list[Middleware]:
    return [Middleware(SecurityHeaders)]
