"""Recovery Navigator: the entry point and navigation (`streamlit run app.py`)."""

import streamlit as st
from ui.auth import current_reviewer
from ui.frame import FIND_PAGE_SCRIPT, app_frame, framed_by_app

from navigator.i18n import _

app_frame()

# Review exists in the navigation only for a signed-in reviewer; anyone else who opens its address
# gets "page not found" and the default page. The sign-in page is there for everyone.
reviewer = current_reviewer()
reviewer_pages = [
    st.Page(
        "pages/sign_in.py", title=_("Reviewer account") if reviewer else _("Reviewer sign-in"), icon=":material/login:"
    )
]
if reviewer:
    reviewer_pages.insert(0, st.Page("pages/review.py", title=_("Review suggestions"), icon=":material/fact_check:"))
# One flat list: Streamlit draws a sectioned page list with markup that fails accessibility checks.
find = st.Page(FIND_PAGE_SCRIPT, title=_("Find resources"), icon=":material/search:", default=True)
pages = [
    find,
    st.Page("pages/intake.py", title=_("Coach intake"), icon=":material/assignment:"),
    st.Page("pages/suggest.py", title=_("Suggest an update"), icon=":material/edit_note:"),
    st.Page("pages/about.py", title=_("About & data"), icon=":material/info:"),
    *reviewer_pages,
]
with framed_by_app(find):
    st.navigation(pages).run()
