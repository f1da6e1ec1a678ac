"""Take-home files (the printable plan, its PDF, calendar files) that do not outlive the intake.

Streamlit serves a download button's file from its media store at ``/media/<id>``, and keeps a
downloadable file for a while after no page shows it any more: after "Finish" the printable plan,
with the participant's first name and needs, stayed downloadable at its address. "Finish" and
"Start over" therefore delete this session's files from the store at once: each take-home
button's file id is remembered in the session when it is drawn (``remembered``), or when it is
made for a button that makes its file only when clicked (``made_on_demand``, the PDF).

This reaches into Streamlit's media file manager, which has no public call for it; the browser
test of the intake checks that the addresses answer 404 after Finish, so an upgrade that changes
these internals fails loudly instead of quietly keeping the files.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit import runtime
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.scriptrunner import get_script_run_ctx

KIND = MediaFileKind.DOWNLOADABLE
MADE = "intake_takehome_files"  # the take-homes' file ids; an ``intake_`` key, so cleared with the intake


def remembered(data: str | bytes, mimetype: str, file_name: str) -> str | bytes:
    """``data`` for a download button, its file's id remembered in this session first (the id is
    the store's hash of the bytes, type and name, so it is the one the button's file gets)."""
    if runtime.exists():
        content = data.encode("utf-8") if isinstance(data, str) else data
        storage = runtime.get_instance().media_file_mgr._storage
        _note(st.session_state.setdefault(MADE, []), storage.load_and_get_id(content, mimetype, KIND, file_name))
    return data


def _note(made: list[str], file_id: str) -> None:
    """Remember ``file_id`` once; a session redraws its buttons on every run."""
    if file_id not in made:
        made.append(file_id)


def made_on_demand(render: Callable[[], bytes], mimetype: str, file_name: str) -> Callable[[], bytes]:
    """``render`` for a download button that makes its file only when clicked, remembering the
    file's id in this session so ``forget_take_homes`` can delete it."""
    made = st.session_state.setdefault(MADE, [])  # the same list object, reachable from the server thread

    def make() -> bytes:
        data = render()
        if runtime.exists():
            storage = runtime.get_instance().media_file_mgr._storage  # noqa: SLF001 (see the docstring)
            _note(made, storage.load_and_get_id(data, mimetype, KIND, file_name))
        return data

    return make


def forget_take_homes() -> None:
    """Delete every file this session's download buttons put in the media store (a widget callback)."""
    made = st.session_state.pop(MADE, None) or []
    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return
    manager = runtime.get_instance().media_file_mgr
    with manager._lock:  # noqa: SLF001 (see the docstring)
        # By the time a callback runs, the run has already let go of its files' references:
        # the ids remembered when the buttons were drawn are what finds them.
        mapped = manager._files_by_session_and_coord.pop(context.session_id, {})  # noqa: SLF001
        for file_id in {*mapped.values(), *made}:
            if file_id in manager._file_metadata:  # noqa: SLF001
                manager._delete_file(file_id)  # noqa: SLF001
            else:
                manager._storage.delete_file(file_id)  # noqa: SLF001
