"""The words for the review codes (kinds of suggestion, problems, why a review action could not be
done), shared by the Review and Suggest screens and the ``review`` commands.

The model (``suggestion``, ``decisions``, ``storage``) reports codes with parameters; this module is the
one place their English lives, so the screens and the terminal say the same thing.
"""

from __future__ import annotations

from navigator.review.decisions import VERIFY_METHODS, ReviewError
from navigator.review.storage import UnknownSubmission

KIND_LABELS = {
    "new": "A new listing",
    "change": "A change to a listing",
    "report": "Report a problem",
}
PROBLEM_LABELS = {
    "closed": "It has closed or no longer operates",
    "wrong_phone": "The phone number is wrong",
    "wrong_address": "The address is wrong",
    "wrong_hours": "The hours are wrong",
    "no_longer_offers": "It no longer offers a service listed here",
    "other": "Something else",
}
VERIFY_LABELS = {
    "phone": "By phone",
    "website": "On its website",
    "site_visit": "By a site visit",
    "organization": "By the organization",
}
# Why an action could not be done, by the code the desk or the store gave.
ERROR_WORDS = {
    "not_a_reference": "'{reference}' is not a reference number like S-20261120-7KQ3XM",
    "no_such_suggestion": "there is no suggestion {reference}",
    "already_decided": "{reference} was already {status}",
    "directory_broken": "the directory has problems; fix them before approving anything",
    "busy": "another decision on this directory is taking long; try again in a moment",
    "changed_since": (
        "changed in the directory since this was suggested ({changed}); check it, then approve anyway to override"
    ),
    "storage_failed": "could not save ({detail}): the disk may be full or read-only; nothing was decided",
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
