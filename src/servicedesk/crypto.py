"""Encryption at rest for secrets the service must be able to read back.

Webhook signing secrets (and, later, provider credentials) cannot be hashed like API
keys, because the service signs or authenticates with them. They are encrypted with
Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from SERVICEDESK_SECRET_KEY.
Several comma-separated keys rotate: the first encrypts, any of them decrypts.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from servicedesk.config import Settings
from servicedesk.logs import get_logger

log = get_logger(__name__)

KEY_FILE_NAME = "secret.key"
_HKDF_INFO = b"servicedesk secrets at rest v1"


class SecretDecryptionError(RuntimeError):
    """A stored secret that none of the configured keys can decrypt."""


class SecretBox:
    """Encrypts and decrypts short secrets with the configured key ring."""

    def __init__(self, passphrases: list[str]) -> None:
        if not passphrases:
            raise ValueError("at least one secret key is needed")
        self._fernet = MultiFernet([Fernet(_derive_key(phrase)) for phrase in passphrases])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretDecryptionError(
                "a stored secret cannot be decrypted with SERVICEDESK_SECRET_KEY"
            ) from None


def _derive_key(passphrase: str) -> bytes:
    # HKDF rather than the raw value, so any string of enough entropy works as a key.
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        passphrase.encode()
    )
    return base64.urlsafe_b64encode(raw)


def secret_box(settings: Settings) -> SecretBox:
    """The key ring of these settings: SERVICEDESK_SECRET_KEY, else the data_dir key file."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value().strip():
        phrases = [p.strip() for p in settings.secret_key.get_secret_value().split(",")]
        return _box_for(tuple(phrase for phrase in phrases if phrase))
    return _box_for((_key_file_passphrase(settings.data_dir),))


@lru_cache(maxsize=8)
def _box_for(phrases: tuple[str, ...]) -> SecretBox:
    return SecretBox(list(phrases))


def _key_file_passphrase(data_dir: Path) -> str:
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{KEY_FILE_NAME}.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode())
        try:
            # A hard link appears whole or not at all: of several processes starting at
            # once, one key wins and every process reads that one.
            os.link(draft, path)
            log.warning("secret_key_generated", path=str(path))
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
