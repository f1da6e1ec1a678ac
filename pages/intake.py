"""Coach intake: a guided conversation, one screen per step, ending in a plan across every need.

Nothing entered here is saved: see ui/intake_state.py for how the answers are kept and forgotten.
"""

import datetime as dt

import streamlit as st
from ui.frame import page_directory, sample_data_notice
from ui.intake_plan import plan_step
from ui.intake_state import step_of
from ui.intake_steps import navigation, progress, step_fit, step_needs, step_place, step_safety

from navigator.i18n import _

directory = page_directory()
step = step_of(st.session_state)

st.title(_("Coach intake"), anchor=False)
st.caption(
    _(
        "Nothing you enter here is saved: the answers stay in this browser tab until you press "
        "Finish or Start over, and are never written down, logged or put in a link."
    )
)
sample_data_notice(directory)
progress(step)
if step == 0:
    step_safety(directory)
elif step == 1:
    step_place()
elif step == 2:
    step_needs(directory)
elif step == 3:
    step_fit(directory)
else:
    plan_step(directory, dt.datetime.now(dt.UTC))
navigation(step)
