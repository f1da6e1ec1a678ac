"""Who is reviewing: a local account signed in during this session, or an OpenID Connect identity.

Configuration comes from the app's secrets (``.streamlit/secrets.toml``):

    [reviewers]
    emails = ["ana@example.org"]        # who may review after signing in with a provider (st.login)

    [reviewers.passwords]               # local accounts: name = hash from `python -m navigator hash-password`
    ana = "scrypt$32768$8$1$..."

    [auth]                              # only for provider sign-in: Streamlit's own OIDC settings
    redirect_uri = "https://navigator.example.org/oauth2callback"
    cookie_secret = "..."
    ...
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import streamlit as st

from navigator.i18n import _
from navigator.review.accounts import (
    AllowListError,
    Reviewer,
    allowed_emails,
    authenticate,
    normal_name,
    reviewer_for_identity,
)
from navigator.review.limits import SignInThrottle, sign_in_keys
from navigator.review.storage import StorageUnavailable
from ui.client import client_address
from ui.review_store import current_store

SESSION_REVIEWER = "reviewer"
SESSION_THROTTLE = "reviewer_sign_in_throttle"


def secrets_section(name: str) -> Mapping:
    """One table of the secrets, or an empty one when there is no such table (or no secrets file)."""
    try:
        value = st.secrets[name]
    except (KeyError, FileNotFoundError):
        return {}
    return value if isinstance(value, Mapping) else {}


def local_accounts() -> Mapping[str, str]:
    passwords = secrets_section("reviewers").get("passwords")
    return passwords if isinstance(passwords, Mapping) else {}


def oidc_providers() -> list[str | None]:
    """The providers configured under ``[auth]``: named ones, or [None] for the single default one."""
    settings = secrets_section("auth")
    if not settings:
        return []
    named = [key for key, value in settings.items() if isinstance(value, Mapping)]
    return named or [None]


def current_reviewer() -> Reviewer | None:
    """The signed-in reviewer of this session, or None for everyone else."""
    signed_in = st.session_state.get(SESSION_REVIEWER)
    if isinstance(signed_in, Reviewer):
        if any(normal_name(name) == signed_in.name for name in local_accounts()):
            return signed_in
        del st.session_state[SESSION_REVIEWER]  # the operator removed the account: the session ends
    if oidc_providers():
        try:
            return reviewer_for_identity(st.user.to_dict(), secrets_section("reviewers").get("emails"))
        except AllowListError:
            return None  # nobody reviews until the operator fixes it; the sign-in page says what is wrong
    return None


def allow_list_problem() -> str | None:
    """What is wrong with the operator's reviewer e-mail list, if anything."""
    try:
        allowed_emails(secrets_section("reviewers").get("emails"))
    except AllowListError as error:
        return str(error)
    return None


def sign_in(name: str, password: str) -> str | None:
    """Sign in with a local account; returns why not, or None when signed in.

    Failures are throttled (across sessions, by the store) for this client on this account and
    for this client on any account, and per session, with a growing wait; while a wait runs the
    password is not even checked. Nothing counts per account alone: a stranger's wrong guesses
    never lock the real reviewer out.
    """
    try:
        return _sign_in(name, password)
    except OSError:  # the throttles live on disk: a full or read-only disk must not open the door
        return _("Signing in is not possible right now (the server cannot save its records). Try again later.")


def _sign_in(name: str, password: str) -> str | None:
    store = current_store()
    session_throttle = st.session_state.setdefault(SESSION_THROTTLE, SignInThrottle())
    keys = sign_in_keys(client_address(), normal_name(name))
    try:
        wait = max(*(store.sign_in_wait(key) for key in keys), session_throttle.wait("session"))
        if wait > 0:
            return _("Too many failed sign-ins. Try again in {seconds} seconds.").format(seconds=math.ceil(wait))
        reviewer = authenticate(local_accounts(), name, password)
        if reviewer is None:
            for key in keys:
                store.sign_in_failed(key)
            session_throttle.failed("session")
            return _("That name and password do not match a reviewer account.")
        store.sign_in_succeeded(keys[0])
    except StorageUnavailable:
        # The shared throttle cannot be consulted, so no password is checked: try again later.
        return _("Sign-in is not available right now: the database is not answering. Try again in a few minutes.")
    session_throttle.succeeded("session")
    st.session_state[SESSION_REVIEWER] = reviewer
    return None


def sign_out() -> None:
    reviewer = st.session_state.pop(SESSION_REVIEWER, None)
    if reviewer is None and oidc_providers():
        st.logout()
