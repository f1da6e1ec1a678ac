"""Recovery Navigator: the entry point and navigation (`streamlit run app.py`)."""

import streamlit as st

from navigator.problems import DirectoryError
from ui.data import current_directory
from ui.frame import crisis_banner, directory_problems_page

st.set_page_config(page_title="Recovery Navigator", page_icon=":material/explore:", layout="wide")
crisis_banner()

try:
    current_directory()
except DirectoryError as error:
    directory_problems_page(error)
    st.stop()

pages = [
    st.Page("pages/find.py", title="Find resources", icon=":material/search:", default=True),
    st.Page("pages/intake.py", title="Coach intake", icon=":material/assignment:"),
    st.Page("pages/suggest.py", title="Suggest an update", icon=":material/edit_note:"),
    st.Page("pages/about.py", title="About & data", icon=":material/info:"),
]
st.navigation(pages).run()
