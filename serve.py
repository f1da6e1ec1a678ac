"""The app as served in production: `streamlit run serve.py` (the same options as app.py).

It serves app.py through Streamlit's ASGI wrapper, which adds the security headers of
``ui.headers`` (frame-ancestors, no referrer, nosniff) to every response: Streamlit's own
settings cannot set response headers. `streamlit run app.py` still works, without them.
"""

import streamlit as st
from ui.headers import security_middleware

app = st.App("app.py", middleware=security_middleware())
