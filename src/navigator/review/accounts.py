"""Reviewer accounts: password hashes, checking a sign-in, and identities from a provider.

The accounts live in the app's secrets (``[reviewers.passwords]``, name = hash); the UI reads them
and passes them in, so this module never touches Streamlit. Hashes are scrypt with a random salt
per password; a stored hash names its own parameters, so they can be raised later without
breaking old ones. Plain passwords are never stored or logged. Failed sign-ins are throttled
(``limits.SignInThrottle``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

SCHEME = "scrypt"
# 2**15 * 8 * 128 bytes = 32 MiB of memory per check: slow for a guesser, instant for a person.
COST, BLOCK_SIZE, PARALLELISM = 2**15, 8, 1
KEY_LENGTH = 32
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing megabytes of "password" would be a cheap way to burn CPU
MAX_NAME_LENGTH = 100


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, cost: int, block_size: int, parallelism: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost,
        r=block_size,
        p=parallelism,
        maxmem=256 * 1024 * 1024,
        dklen=KEY_LENGTH,
    )


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$key``: what goes into the secrets for one reviewer."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValueError(f"a reviewer password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters")
    salt = secrets.token_bytes(16)
    key = _scrypt(password, salt, COST, BLOCK_SIZE, PARALLELISM)
    return f"{SCHEME}${COST}${BLOCK_SIZE}${PARALLELISM}${_b64(salt)}${_b64(key)}"


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        cost, block_size, parallelism = (int(part) for part in parts[1:4])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return None
    if (
        cost < 2
        or cost & (cost - 1)
        or cost > 2**20
        or not 1 <= block_size <= 32
        or not 1 <= parallelism <= 16
        or len(salt) < 8
        or len(key) != KEY_LENGTH
    ):
        return None
    return cost, block_size, parallelism, salt, key


# A throwaway hash to check against when the account does not exist, so that an unknown name
# takes as long as a wrong password and the timing tells nobody which names are real.
_DECOY = (COST, BLOCK_SIZE, PARALLELISM, b"decoy-salt-16byt", bytes(KEY_LENGTH))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``; a missing or malformed hash never matches."""
    parsed = _parse_hash(stored) if stored else None
    cost, block_size, parallelism, salt, key = parsed or _DECOY
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        password = ""
    candidate = _scrypt(password, salt, cost, block_size, parallelism)
    return hmac.compare_digest(candidate, key) and parsed is not None


def normal_name(name: str) -> str:
    return (name or "").strip().casefold()[:MAX_NAME_LENGTH]


@dataclass(frozen=True)
class Reviewer:
    """Who is reviewing: a name for the audit log, and how they signed in ("password" or "oidc")."""

    name: str
    method: str


def authenticate(accounts: Mapping[str, str], name: str, password: str) -> Reviewer | None:
    """The reviewer ``name`` when ``password`` is theirs; accounts map names to hashes."""
    wanted = normal_name(name)
    stored = next((value for key, value in accounts.items() if normal_name(key) == wanted), None) if wanted else None
    if verify_password(password or "", stored):
        return Reviewer(wanted, "password")
    return None


class AllowListError(ValueError):
    """The operator's list of reviewer e-mails is not a list (a lone string would allow its letters)."""


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normal_email(email: str) -> str:
    """An e-mail address compared case-insensitively in ASCII only: Unicode case folding would
    make "ß" match "ss" (and similar pairs), letting a look-alike address pass for an allowed one."""
    return email.strip().translate(_ASCII_LOWER)


def allowed_emails(configured) -> frozenset[str]:
    """The operator's allow-list as compared; AllowListError when it is not a list of addresses."""
    if configured is None:
        return frozenset()
    if isinstance(configured, (str, bytes)) or not isinstance(configured, (list, tuple)):
        raise AllowListError('[reviewers] emails must be a list of addresses, like emails = ["ana@example.org"]')
    return frozenset(normal_email(str(allowed)) for allowed in configured if str(allowed).strip())


def reviewer_for_identity(identity: Mapping, configured_emails) -> Reviewer | None:
    """The reviewer an OpenID Connect identity (``st.user``) stands for, if its e-mail is allowed.

    Signing in with a provider proves who someone is, not that they may review: only the
    operator's list of e-mail addresses grants that, and only for an address the provider says
    it verified (``email_verified`` exactly true; missing counts as not verified). The reviewer is
    named by that e-mail (never the display name, which anyone can set) in the audit log.
    """
    allowed = allowed_emails(configured_emails)
    if identity.get("is_logged_in") is not True:
        return None
    email = identity.get("email")
    if not isinstance(email, str) or identity.get("email_verified") is not True:
        return None
    if normal_email(email) not in allowed:
        return None
    return Reviewer(normal_email(email), "oidc")
