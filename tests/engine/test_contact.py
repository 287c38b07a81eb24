"""Contact details as people type them: checked and made tidy, or refused."""

from __future__ import annotations

import pytest

from bot.engine.contact import check_email, check_name, check_phone, check_text, show_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0116 496 0123", "+441164960123"),
        ("+44 (0)116 496 0123", "+441164960123"),
        ("01164960123", "+441164960123"),
        ("+91 98765 43210", "+919876543210"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed: str, stored: str) -> None:
    assert check_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "07700 900123", "call me", "", "0116 496"])
def test_numbers_that_cannot_be_dialled_are_refused(typed: str) -> None:
    assert check_phone(typed) is None


def test_stored_numbers_read_as_people_write_them() -> None:
    assert show_phone("+441164960123") == "0116 496 0123"
    assert show_phone("+919876543210") == "+91 98765 43210"


def test_e_mail_addresses_are_checked_and_normalised() -> None:
    assert check_email(" Barbara@Example.ORG ") == "Barbara@example.org"
    assert check_email("barbara@example") is None
    assert check_email("not an address") is None


def test_names_and_own_words() -> None:
    assert check_name("  Mary   Ann ") == "Mary Ann"
    assert check_name("Siân O'Neill-Jones") == "Siân O'Neill-Jones"
    assert check_name("ગીતા") == "ગીતા"
    assert check_name("R2D2") is None
    assert check_name("x" * 61) is None
    assert check_name("...") is None
    assert check_text("Tigrinya") == "Tigrinya"
    assert check_text("x" * 201) is None
