"""The words of the Review page that only it says: what each review action did.

The words for the review model's codes (kinds, problems, how a listing was confirmed, why an action
could not be done) are shared with the command line, in ``navigator.review.words``.
"""

from __future__ import annotations

# What each action did, shown at the top of the page after it.
DONE_WORDS = {
    "approved": "Approved {reference}: the directory is updated.",
    "approved_edited": "Approved {reference} with your edits: the directory is updated.",
    "rejected": "Rejected {reference}.",
    "verified": "Marked {entry_id} verified.",
}
# Said when the store (the database) cannot be reached.
UNAVAILABLE_WORDS = "The database is not answering right now, so nothing was changed. Try again in a few minutes."
