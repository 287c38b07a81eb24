"""Encryption at rest: Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``.

Several keys can be configured; the first encrypts, every one decrypts (``MultiFernet``), so a
new key can be put first and the old data rotated to it (``carercheck keys rotate``) before the
old key is removed. Encrypted text is stored as ``f1:`` and the Fernet token.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "f1:"


class NoKey(RuntimeError):
    """Personal data was about to be stored, and no encryption key is configured."""


class CannotDecrypt(ValueError):
    """Encrypted data that none of the configured keys opens (a key was removed too early)."""


class Cipher:
    """Encrypts and decrypts text with the configured keys (the first one encrypts)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise NoKey("at least one key is needed")
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValueError("an encryption key is not a Fernet key (keys generate)") from exc

    @staticmethod
    def generate_key() -> str:
        """A new random key, as text to put in the configuration."""
        return Fernet.generate_key().decode("ascii")

    @staticmethod
    def encrypted(value: str) -> bool:
        """Whether ``value`` is encrypted text (rather than plain)."""
        return value.startswith(PREFIX)

    def encrypt(self, text: str) -> str:
        """``text`` encrypted with the first key."""
        return PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, value: str) -> str:
        """The text of an encrypted value; CannotDecrypt if no key opens it."""
        if not self.encrypted(value):
            raise CannotDecrypt("not encrypted")
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise CannotDecrypt("no configured key opens this value") from exc

    def rotate(self, value: str) -> str:
        """The same text encrypted with the first key (keeps its original timestamp)."""
        if not self.encrypted(value):
            return value
        try:
            token = self._fernet.rotate(value[len(PREFIX) :].encode("ascii"))
        except InvalidToken as exc:
            raise CannotDecrypt("no configured key opens this value") from exc
        return PREFIX + token.decode("ascii")


def seal(cipher: Cipher | None, text: str) -> str:
    """``text`` encrypted; NoKey when there is no cipher to do it."""
    if cipher is None:
        raise NoKey("personal data needs an encryption key: set CARERCHECK_ENCRYPTION_KEYS")
    return cipher.encrypt(text)


def unseal(cipher: Cipher | None, value: str) -> str:
    """The text of a stored value: plain as it is, encrypted opened with the cipher."""
    if not Cipher.encrypted(value):
        return value
    if cipher is None:
        raise NoKey("encrypted data, and no encryption key is configured")
    return cipher.decrypt(value)
