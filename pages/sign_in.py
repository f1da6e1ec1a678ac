"""Reviewer sign-in: with the operator's identity provider (st.login), or a local reviewer account."""

import streamlit as st
from streamlit.errors import StreamlitAPIException
from ui.auth import allow_list_problem, current_reviewer, local_accounts, oidc_providers, sign_in, sign_out
from ui.frame import page_frame

from navigator.i18n import _
from navigator.text import markdown_text

JUST_SIGNED_IN = "reviewer_just_signed_in"
REVIEW_PAGE = "pages/review.py"

page_frame()
st.title(_("Reviewer sign-in"), anchor=False)
reviewer = current_reviewer()
if reviewer:
    if st.session_state.pop(JUST_SIGNED_IN, False):
        st.switch_page(REVIEW_PAGE)  # registered now that the navigation knows a reviewer is here
    st.success(
        _("You are signed in as {name}.").format(name=markdown_text(reviewer.name)), icon=":material/check_circle:"
    )
    st.page_link(REVIEW_PAGE, label=_("Review suggestions"), icon=":material/fact_check:")
    st.button(_("Sign out"), on_click=sign_out)
    st.stop()

st.write(
    _(
        "Reviewers check every suggested update before it changes the directory. Not a reviewer? "
        "Anyone can suggest an update."
    )
)
st.page_link("pages/suggest.py", label=_("Suggest an update"), icon=":material/edit_note:")


def _login(provider: str | None) -> None:
    try:
        st.login(provider)
    except StreamlitAPIException:  # Authlib missing, or the provider's settings incomplete
        st.session_state["sign_in_provider_error"] = True


for provider in oidc_providers():
    st.button(
        _("Sign in with {provider}").format(provider=provider.capitalize())
        if provider
        else _("Sign in with your organization account"),
        on_click=_login,
        args=(provider,),
        key=f"sign_in_with_{provider or 'default'}",
    )
if oidc_providers() and allow_list_problem():
    st.error(f"The reviewer settings need fixing: {markdown_text(allow_list_problem())}", icon=":material/settings:")
provider_error = st.session_state.pop("sign_in_provider_error", None)
if provider_error:
    st.error(
        _(
            "Signing in with the provider is not working: check the [auth] settings and that Authlib is "
            "installed (pip install 'streamlit[auth]')."
        )
    )

if local_accounts():
    with st.form("reviewer_sign_in", clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(_("Reviewer name"), max_chars=100, autocomplete="username")
        password = st.text_input(_("Password"), type="password", max_chars=1024, autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        problem = sign_in(name, password)
        if problem:
            st.error(problem, icon=":material/lock:")
        else:
            st.session_state[JUST_SIGNED_IN] = True
            st.rerun()  # the navigation gains the Review page, then this page moves there
elif not oidc_providers():
    st.info(
        _(
            "No reviewer accounts are set up yet. The operator adds them to the app's secrets "
            "(.streamlit/secrets.toml); the README explains how."
        )
    )
