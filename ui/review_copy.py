"""The words of the Review page that only it says: what each review action did, and the audit log's
actions (gettext message ids, translated when shown).

The words for the review model's codes (kinds, problems, how a listing was confirmed, why an action
could not be done) are shared with the command line, in ``navigator.review.words``.
"""

from __future__ import annotations

from navigator.i18n import N_, Words

# The audit log's actions, in the Recent decisions table.
ACTION_WORDS = Words({"approve": N_("approved"), "reject": N_("rejected"), "verify": N_("verified")})
# What each action did, shown at the top of the page after it.
DONE_WORDS = Words(
    {
        "approved": N_("Approved {reference}: the directory is updated."),
        "approved_edited": N_("Approved {reference} with your edits: the directory is updated."),
        "rejected": N_("Rejected {reference}."),
        "verified": N_("Marked {entry_id} verified."),
    }
)
# Said when the store (the database) cannot be reached.
UNAVAILABLE_WORDS = N_("The database is not answering right now, so nothing was changed. Try again in a few minutes.")
