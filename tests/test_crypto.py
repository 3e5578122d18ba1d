"""Secrets at rest: Fernet under SERVICEDESK_SECRET_KEY, rotation, the generated key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from servicedesk.config import Settings
from servicedesk.crypto import KEY_FILE_NAME, SecretDecryptionError, secret_box


def _settings(tmp_path: Path, key: str | None) -> Settings:
    return Settings(data_dir=tmp_path, secret_key=SecretStr(key) if key else None)


def test_round_trip_hides_the_plaintext(tmp_path: Path) -> None:
    box = secret_box(_settings(tmp_path, "a key of enough entropy"))
    token = box.encrypt("whsec-plaintext")
    assert "whsec-plaintext" not in token
    assert box.decrypt(token) == "whsec-plaintext"
    assert box.encrypt("whsec-plaintext") != token  # random IV


def test_a_rotated_key_ring_still_reads_old_tokens(tmp_path: Path) -> None:
    old = secret_box(_settings(tmp_path, "old key")).encrypt("s3cret")
    rotated = secret_box(_settings(tmp_path, "new key, old key"))
    assert rotated.decrypt(old) == "s3cret"
    fresh = rotated.encrypt("s3cret")
    assert secret_box(_settings(tmp_path, "new key")).decrypt(fresh) == "s3cret"
    with pytest.raises(SecretDecryptionError):
        secret_box(_settings(tmp_path, "old key")).decrypt(fresh)


def test_without_a_setting_one_key_file_is_generated_and_kept(tmp_path: Path) -> None:
    token = secret_box(_settings(tmp_path, None)).encrypt("x")
    key_file = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    assert secret_box(_settings(tmp_path, None)).decrypt(token) == "x"
    assert key_file.read_text() == content
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]
