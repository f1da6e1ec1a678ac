"""Recovery Navigator: the entry point and navigation (`streamlit run app.py`)."""

import streamlit as st

from navigator.problems import DirectoryError
from ui.auth import current_reviewer
from ui.data import current_directory
from ui.frame import crisis_banner, directory_problems_page

st.set_page_config(page_title="Recovery Navigator", page_icon=":material/explore:", layout="wide")
crisis_banner()

try:
    current_directory()
except DirectoryError as error:
    directory_problems_page(error)
    st.stop()

# Review exists in the navigation only for a signed-in reviewer; anyone else who opens its address
# gets "page not found" and the default page. The sign-in page is there for everyone.
reviewer = current_reviewer()
reviewer_pages = [st.Page("pages/sign_in.py", title="Reviewer account" if reviewer else "Reviewer sign-in",
                          icon=":material/login:")]
if reviewer:
    reviewer_pages.insert(0, st.Page("pages/review.py", title="Review suggestions", icon=":material/fact_check:"))
pages = {
    "": [
        st.Page("pages/find.py", title="Find resources", icon=":material/search:", default=True),
        st.Page("pages/intake.py", title="Coach intake", icon=":material/assignment:"),
        st.Page("pages/suggest.py", title="Suggest an update", icon=":material/edit_note:"),
        st.Page("pages/about.py", title="About & data", icon=":material/info:"),
    ],
    "Reviewers": reviewer_pages,
}
st.navigation(pages).run()
