"""Checks every entry point applies to what callers send: text a database can store,
e-mail addresses, and the field types several packages share.

JSON can carry what no column can hold (a NUL character, a lone surrogate); each text a
caller sends passes `storable_text` before it reaches a model, so such input is a 422
naming the field, never a 500.

Text is stored in Unicode's composed form (NFC), so that a decomposed "café" (e + a
combining accent, as macOS and some mail clients write it) is the same text, and finds
the same tickets, as the composed one. Names that identify something (categories) are
folded further (NFKC): a full-width "Ｎetwork" is the category "Network".
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field

CATEGORY_MAX = 100
EMAIL_MAX = 320
# What an MTA delivers to where email-validator refuses the domain as special-use or
# dotless (RFC 6761's `.local` of Active Directory, `localhost`): a dot-atom local part
# at hostname labels.
_LOCAL_PART = re.compile(r"(?!\.)(?!.*\.\.)[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def storable_text(value: str) -> str:
    """Refuse what no database column can hold: NUL characters (PostgreSQL text) and
    lone surrogates (not encodable as UTF-8). JSON can carry both."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return composed(value)


def single_line(value: str) -> str:
    """Refuse line breaks and other control characters (a tab aside) in text that becomes
    a mail header (a subject, a sender's name): a header holding CR or LF cannot be
    written, and every reply of its ticket would fail."""
    if any(breaks_a_header(c) for c in value):
        raise ValueError("must be one line: no CR, LF or other control characters")
    return value


def not_blank(value: str) -> str:
    """Refuse text of nothing but whitespace (a note of spaces says nothing, and would
    still be mailed to a requester)."""
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def breaks_a_header(character: str) -> bool:
    """A character no mail header may hold as it is (a tab may: it folds)."""
    if character == "\t":
        return False
    return unicodedata.category(character) == "Cc" or character in "\u2028\u2029"


def composed(value: str) -> str:
    """NFC; the check alone costs little, so ASCII text is not copied."""
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def identifier_text(value: str) -> str:
    """A name that identifies something, compatibility-folded (NFKC): look-alike forms
    (full-width letters, ligatures, superscripts) are the plain name."""
    if unicodedata.is_normalized("NFKC", value):
        return value
    return unicodedata.normalize("NFKC", value)


def skeleton(text: str) -> str:
    """What `text` looks like, after Unicode's confusables (UTS #39, as the
    confusable-homoglyphs package carries them): compatibility-folded (NFKC), case-folded,
    and each character that has a look-alike in ASCII replaced by it. `ａdmin` (full-width)
    and `admın` (dotless ı) have the skeleton of `admin`."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(_ascii_look_alike(character) for character in folded)


@functools.lru_cache(maxsize=8192)
def _ascii_look_alike(character: str) -> str:
    if character.isascii():
        return character
    # Imported when first needed: its table costs start-up time every command would pay.
    from confusable_homoglyphs.confusables import (  # type: ignore[import-untyped]
        confusables_data,
    )

    for glyph in confusables_data.get(character, ()):
        if len(glyph["c"]) == 1 and glyph["c"].isascii():
            return str(glyph["c"])
    return character


def storable_json(value: Any) -> None:
    """`storable_text` for every key and string inside a JSON value, and only finite
    numbers: JSON has no NaN or infinity (Python's parser takes `NaN` and reads `1e309`
    as infinity; PostgreSQL refuses both, and no client could read them back)."""
    if isinstance(value, str):
        storable_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite (no NaN or Infinity)")
    elif isinstance(value, dict):
        for key, item in value.items():
            storable_text(key)
            storable_json(item)
    elif isinstance(value, list):
        for item in value:
            storable_json(item)


@functools.lru_cache(maxsize=4096)
def check_email(value: str) -> str:
    """The address, its domain in lower case and its local part as written, if its
    syntax is valid (no DNS look-up: no network on the request path). `.test` domains
    are allowed for integrators' test suites, and the special-use or dotless hostnames
    real mail comes from (`.local`, `localhost`). Remembered: requesters write again,
    and the check costs about 50 µs."""
    try:
        result = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        local, _, domain = value.rpartition("@")
        domain = domain.lower()
        if len(value) <= EMAIL_MAX and _LOCAL_PART.fullmatch(local) and _is_hostname(domain):
            return f"{local}@{domain}"
        raise ValueError(f"value is not a valid email address: {error}") from None
    return result.normalized


def _is_hostname(domain: str) -> bool:
    return 0 < len(domain) <= 253 and all(map(_HOST_LABEL.fullmatch, domain.split(".")))


def storable_json_value(value: Any) -> Any:
    storable_json(value)
    return value


Storable = AfterValidator(storable_text)
SingleLine = AfterValidator(single_line)
NotBlank = AfterValidator(not_blank)
StorableJson = AfterValidator(storable_json_value)
Email = Annotated[
    str,
    Field(max_length=EMAIL_MAX, json_schema_extra={"format": "email"}),
    Storable,
    AfterValidator(check_email),
]
Category = Annotated[
    str, Field(min_length=1, max_length=CATEGORY_MAX), Storable, AfterValidator(identifier_text)
]
