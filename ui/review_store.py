"""The suggestion store the app's settings choose, for the pages and their helpers.

Every call builds the store afresh from the settings (cheap: it holds no state of its own). What
the store keeps, including the limits everyone shares, lives where the store keeps it (the data
folder), so each session, process and test data folder sees exactly that folder's state.
"""

from __future__ import annotations

from navigator.review.storage import SuggestionStore, open_store
from navigator.settings import load_settings


def current_store() -> SuggestionStore:
    """The store of ``NAVIGATOR_DATA_DIR`` (see ``navigator.settings``)."""
    return open_store(load_settings())
