"""Checking contact details a person types, with the well-kept libraries for each."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_NAME = 60
MAX_TEXT = 200
REGION = "GB"
"""Numbers without a country code are read as UK numbers."""


def check_name(text: str) -> str | None:
    """A name or what to call someone: 1 to 60 characters with a letter, and no digits."""
    name = " ".join(text.split())
    if not 1 <= len(name) <= MAX_NAME or any(c.isdigit() for c in name):
        return None
    return name if any(c.isalpha() for c in name) else None


def check_phone(text: str) -> str | None:
    """A valid phone number in E.164 form (+441164960123), or None."""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def show_phone(e164: str) -> str:
    """A stored number as people write it: national for UK numbers, else international."""
    number = phonenumbers.parse(e164, REGION)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == phonenumbers.country_code_for_region(REGION)
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def check_email(text: str) -> str | None:
    """A well-formed e-mail address, normalised, or None (deliverability is not checked)."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def check_text(text: str) -> str | None:
    """A short answer in the person's own words: 1 to 200 characters."""
    said = " ".join(text.split())
    return said if 1 <= len(said) <= MAX_TEXT else None
