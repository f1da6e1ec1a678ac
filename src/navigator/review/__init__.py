"""Suggestions from organizations and their review.

``form`` is the typed form and ``suggestion`` a suggestion checked from it; ``storage`` is the
interface to where suggestions, decisions and the audit log are kept, and ``file_store`` its
backend on files; ``decisions`` is the review desk that writes approved changes into the directory;
``limits`` the abuse limits; ``accounts`` the reviewer accounts.
"""
