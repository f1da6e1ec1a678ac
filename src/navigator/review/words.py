"""The words for the review codes (kinds of suggestion, problems, why a review action could not be
done), shared by the Review and Suggest screens and the ``review`` commands.

The model (``suggestion``, ``decisions``, ``storage``) reports codes with parameters; this module is the
one place their words live (gettext message ids, translated into the current language when looked up:
the screen's language on the screens, English on the terminal), so both say the same thing.
"""

from __future__ import annotations

from navigator.i18n import N_, Words
from navigator.review.decisions import VERIFY_METHODS, ReviewError
from navigator.review.storage import UnknownSubmission

KIND_LABELS = Words(
    {"new": N_("A new listing"), "change": N_("A change to a listing"), "report": N_("Report a problem")}
)
PROBLEM_LABELS = Words(
    {
        "closed": N_("It has closed or no longer operates"),
        "wrong_phone": N_("The phone number is wrong"),
        "wrong_address": N_("The address is wrong"),
        "wrong_hours": N_("The hours are wrong"),
        "no_longer_offers": N_("It no longer offers a service listed here"),
        "other": N_("Something else"),
    }
)
VERIFY_LABELS = Words(
    {
        "phone": N_("By phone"),
        "website": N_("On its website"),
        "site_visit": N_("By a site visit"),
        "organization": N_("By the organization"),
    }
)
# Why an action could not be done, by the code the desk or the store gave.
ERROR_WORDS = Words(
    {
        "not_a_reference": N_("'{reference}' is not a reference number like S-20261120-7KQ3XM"),
        "no_such_suggestion": N_("there is no suggestion {reference}"),
        "already_decided": N_("{reference} was already {status}"),
        "directory_broken": N_("the directory has problems; fix them before approving anything"),
        "busy": N_("another decision on this directory is taking long; try again in a moment"),
        "changed_since": N_(
            "changed in the directory since this was suggested ({changed}); check it, then approve anyway to override"
        ),
        "storage_failed": N_("could not save ({detail}): the disk may be full or read-only; nothing was decided"),
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
