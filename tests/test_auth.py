"""Reviewer accounts: password hashes, sign-in checks, provider identities and throttling."""

from __future__ import annotations

import io

import pytest

from navigator.cli.main import main
from navigator.review.accounts import (
    AllowListError,
    Reviewer,
    authenticate,
    hash_password,
    reviewer_for_identity,
    verify_password,
)
from navigator.review.file_store import FileSuggestionStore
from navigator.review.limits import SignInThrottle, client_of

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


def test_a_hash_names_its_scheme_and_parameters_and_never_holds_the_password(stored):
    scheme, cost, block_size, parallelism, salt, key = stored.split("$")
    assert (scheme, cost, block_size, parallelism) == ("scrypt", "32768", "8", "1")
    assert PASSWORD not in stored and len(salt) >= 16 and len(key) >= 40


def test_the_same_password_hashes_differently_each_time(stored):
    again = hash_password(PASSWORD)
    assert again != stored and verify_password(PASSWORD, again)


def test_only_the_right_password_matches(stored):
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + " ", stored)
    assert not verify_password("", stored)
    assert not verify_password("x" * 10_000, stored)


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "plain text password",
        "scrypt$1$8$1$c2FsdHNhbHQ$a2V5",
        "md5$abc",
        "scrypt$32768$8$1$!!$!!",
        None,
    ],
)
def test_a_missing_or_malformed_hash_never_matches(broken):
    assert not verify_password(PASSWORD, broken)


def test_short_passwords_are_refused_when_hashing():
    with pytest.raises(ValueError, match="12 to 1024 characters"):
        hash_password("short")


def test_authenticate_matches_names_without_regard_to_case_or_spaces(stored):
    accounts = {"Ana": stored}
    assert authenticate(accounts, " ana ", PASSWORD) == Reviewer("ana", "password")
    assert authenticate(accounts, "ana", "wrong password") is None
    assert authenticate(accounts, "bo", PASSWORD) is None
    assert authenticate(accounts, "", PASSWORD) is None


def test_a_provider_identity_reviews_only_when_its_email_is_on_the_list_and_verified():
    allowed = ["Ana@Example.org"]
    identity = {"is_logged_in": True, "email": "ana@example.org", "email_verified": True, "name": "Ana Ruiz"}
    assert reviewer_for_identity(identity, allowed) == Reviewer("ana@example.org", "oidc")
    assert reviewer_for_identity(dict(identity, email="eve@example.org"), allowed) is None
    assert reviewer_for_identity(dict(identity, email_verified=False), allowed) is None
    assert reviewer_for_identity(dict(identity, is_logged_in=False), allowed) is None
    assert reviewer_for_identity({"email": "ana@example.org"}, allowed) is None  # AppTest's default user
    assert reviewer_for_identity(identity, None) is None


def test_a_provider_identity_without_a_verified_email_never_reviews():
    identity = {"is_logged_in": True, "email": "ana@example.org", "name": "Ana Ruiz"}
    assert reviewer_for_identity(identity, ["ana@example.org"]) is None  # not said to be verified
    assert reviewer_for_identity(dict(identity, email_verified="true"), ["ana@example.org"]) is None


def test_emails_compare_without_case_in_ascii_only_never_by_unicode_folding():
    identity = {"is_logged_in": True, "email_verified": True, "name": "Anyone"}
    assert reviewer_for_identity(dict(identity, email="STRASSE@example.org"), ["strasse@example.org"])
    assert reviewer_for_identity(dict(identity, email="straße@example.org"), ["strasse@example.org"]) is None
    assert reviewer_for_identity(dict(identity, email="ana@example.org"), ["ANA@EXAMPLE.ORG"])


def test_an_allow_list_written_as_one_string_is_a_configuration_error():
    identity = {"is_logged_in": True, "email": "a@b.co", "email_verified": True}
    with pytest.raises(AllowListError, match="must be a list"):
        reviewer_for_identity(identity, "a@b.co, ana@example.org")


def test_the_audit_names_a_provider_reviewer_by_email_not_the_display_name_they_chose():
    identity = {"is_logged_in": True, "email": "Ana@example.org", "email_verified": True, "name": "The Director"}
    assert reviewer_for_identity(identity, ["ana@example.org"]).name == "ana@example.org"


def test_failed_sign_ins_wait_longer_and_longer_up_to_a_limit():
    throttle = SignInThrottle(free_failures=3, first_delay=5, max_delay=60)
    assert [throttle.failed("ana", now=0) for _ in range(3)] == [0, 0, 5]
    assert throttle.wait("ana", now=1) == 4
    assert throttle.wait("ana", now=5) == 0
    assert [throttle.failed("ana", now=5) for _ in range(4)] == [10, 20, 40, 60]
    assert throttle.wait("bo", now=5) == 0


def test_a_success_clears_the_count_and_the_memory_is_bounded():
    throttle = SignInThrottle(free_failures=1, first_delay=5, max_delay=60, max_keys=2)
    throttle.failed("ana", now=0)
    throttle.succeeded("ana")
    assert throttle.wait("ana", now=0) == 0
    for name in ("a", "b", "c"):
        throttle.failed(name, now=0)
    assert throttle.wait("a", now=0) == 0 and throttle.wait("c", now=0) == 5


def test_failed_sign_ins_per_account_are_counted_by_the_store_and_a_new_data_folder_starts_clean(tmp_path):
    store = FileSuggestionStore(tmp_path / "one")
    assert [store.sign_in_failed("account:ana") for _ in range(4)] == [0, 0, 5, 10]
    assert 9 < store.sign_in_wait("account:ana") <= 10 and store.sign_in_wait("account:bo") == 0
    assert FileSuggestionStore(tmp_path / "two").sign_in_wait("account:ana") == 0
    assert 9 < FileSuggestionStore(tmp_path / "one").sign_in_wait("account:ana") <= 10  # the folder's, not the object's
    assert "ana" not in (tmp_path / "one" / "limits.json").read_text()  # a typed name is never written down
    store.sign_in_succeeded("account:ana")
    assert store.sign_in_wait("account:ana") == 0


def test_hash_password_command_reads_a_password_and_prints_a_hash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["hash-password", "--stdin"]) == 0
    printed = capsys.readouterr()
    assert verify_password(PASSWORD, printed.out.strip())
    assert "[reviewers.passwords]" in printed.err

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["hash-password", "--stdin"]) == 2


def test_hash_password_command_asks_twice_and_refuses_a_mismatch(monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash-password"]) == 2
    assert "differ" in capsys.readouterr().err


def test_the_client_is_the_connection_unless_a_configured_proxy_header_names_it():
    headers = {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}

    assert client_of("10.0.0.2", headers, None) == "10.0.0.2"  # the header is anyone's to send: not trusted
    assert client_of("10.0.0.2", headers, "X-Forwarded-For") == "198.51.100.7"  # the proxy's own, last
    assert client_of(None, {}, "X-Forwarded-For") == "unknown"
