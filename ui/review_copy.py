"""The words of reviewing: how a listing was confirmed, what each review action did, and why one
could not be done, in plain words.

The review desk (``navigator.review.decisions``) and the store report codes; this module is the one
place the Review page's words for them live (gettext message ids, translated when shown).
"""

from __future__ import annotations

from navigator.i18n import N_, Words
from navigator.review.decisions import VERIFY_METHODS, ReviewError
from navigator.review.storage import UnknownSubmission

VERIFY_LABELS = Words(
    {
        "phone": N_("By phone"),
        "website": N_("On its website"),
        "site_visit": N_("By a site visit"),
        "organization": N_("By the organization"),
    }
)
# The audit log's actions, in the Recent decisions table.
ACTION_WORDS = Words(
    {
        "approve": N_("approved"),
        "approved": N_("approved"),
        "reject": N_("rejected"),
        "rejected": N_("rejected"),
        "verify": N_("verified"),
        "verified": N_("verified"),
    }
)
# What each action did, shown at the top of the page after it.
DONE_WORDS = Words(
    {
        "approved": N_("Approved {reference}: the directory is updated."),
        "approved_edited": N_("Approved {reference} with your edits: the directory is updated."),
        "rejected": N_("Rejected {reference}."),
        "verified": N_("Marked {entry_id} verified."),
    }
)
# Why an action could not be done, by the code the desk or the store gave.
ERROR_WORDS = Words(
    {
        "not_a_reference": N_("'{reference}' is not a reference number like S-20261120-7KQ3XM"),
        "no_such_suggestion": N_("there is no suggestion {reference}"),
        "already_decided": N_("{reference} was already {status}"),
        "directory_broken": N_("the directory has problems; fix them before approving anything"),
        "entry_gone": N_("'{entry_id}' is no longer in the directory; reject this suggestion"),
        "reason_missing": N_("give a reason, so the decision can be explained to the organization"),
        "reason_too_long": N_("the reason is {length:,} characters long; the limit is {limit:,}"),
        "unknown_method": N_("'{method}' is not one of {methods}"),
        "future_date": N_("{date} is in the future"),
        "entry_not_found": N_("'{entry_id}' is not in the directory"),
        "new_listing_invalid": N_("the new listing breaks the directory's rules"),
        "edit_failed": N_("{file}: {detail}"),
        "file_invalid": N_("{file} would not pass the directory's checks; nothing was written"),
    }
)


def error_text(error: ReviewError | UnknownSubmission) -> str:
    """Why a review action could not be done, in words."""
    if isinstance(error, UnknownSubmission):
        params = {"reference": error.reference, "status": error.status}
    else:
        params = error.params
    return ERROR_WORDS[error.code].format(**{"methods": ", ".join(VERIFY_METHODS), **params})
