"""Shared state in PostgreSQL: the connection pool (``pool``) and the versioned schema (``migrations``).

Used only when ``NAVIGATOR_DATABASE_URL`` is set; with it unset, everything lives on files.
"""
