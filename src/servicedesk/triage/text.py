"""One normalisation for every ticket text the model sees, in training and in use.

Public datasets arrive already lower-cased with punctuation and digits stripped; real
tickets arrive raw. Both are brought to the same form: lower case, letters only,
single spaces, so the model cannot learn anything from how a text was preprocessed.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z]+")


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    ascii_only = folded.encode("ascii", "ignore").decode()
    return _NOT_LETTERS.sub(" ", ascii_only).strip()
