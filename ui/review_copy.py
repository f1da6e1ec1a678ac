"""The words of reviewing: how a listing was confirmed, what each review action did, and why one
could not be done, in plain English.

The review desk (``navigator.review.decisions``) and the store report codes; this module is the one
place the Review page's English for them lives.
"""

from __future__ import annotations

from navigator.review.decisions import VERIFY_METHODS, ReviewError
from navigator.review.storage import UnknownSubmission

VERIFY_LABELS = {
    "phone": "By phone",
    "website": "On its website",
    "site_visit": "By a site visit",
    "organization": "By the organization",
}
# What each action did, shown at the top of the page after it.
DONE_WORDS = {
    "approved": "Approved {reference}: the directory is updated.",
    "approved_edited": "Approved {reference} with your edits: the directory is updated.",
    "rejected": "Rejected {reference}.",
    "verified": "Marked {entry_id} verified.",
}
UNAVAILABLE_WORDS = "The database is not answering right now, so nothing was changed. Try again in a few minutes."
# Why an action could not be done, by the code the desk or the store gave.
ERROR_WORDS = {
    "not_a_reference": "'{reference}' is not a reference number like S-20261120-7KQ3XM",
    "no_such_suggestion": "there is no suggestion {reference}",
    "already_decided": "{reference} was already {status}",
    "directory_broken": "the directory has problems; fix them before approving anything",
    "entry_gone": "'{entry_id}' is no longer in the directory; reject this suggestion",
    "reason_missing": "give a reason, so the decision can be explained to the organization",
    "reason_too_long": "the reason is {length:,} characters long; the limit is {limit:,}",
    "unknown_method": "'{method}' is not one of " + ", ".join(VERIFY_METHODS),
    "future_date": "{date} is in the future",
    "entry_not_found": "'{entry_id}' is not in the directory",
    "new_listing_invalid": "the new listing breaks the directory's rules",
    "edit_failed": "{file}: {detail}",
    "file_invalid": "{file} would not pass the directory's checks; nothing was written",
}


def error_text(error: ReviewError | UnknownSubmission) -> str:
    """Why a review action could not be done, in words."""
    if isinstance(error, UnknownSubmission):
        params = {"reference": error.reference, "status": error.status}
    else:
        params = error.params
    return ERROR_WORDS[error.code].format(**params)
