"""Where a reply's quoted thread starts, in the languages and clients Zammad recognises:
our own reply marker, "On … wrote:" and its translations, the "Original Message"
separators, and Outlook's header block (From:/Sent: and their translations). The reply
is what comes before."""

from __future__ import annotations

import re

# The line our outgoing mail puts above the quoted thread (see outbound.py).
REPLY_MARKER = "##- Please type your reply above this line -##"

# "On Tue, 1 Dec 2026, Ana <a@x> wrote:" in the languages of Gmail, Apple Mail and
# Thunderbird, possibly wrapped onto a second line (matched on two lines joined).
_ATTRIBUTIONS = (
    r"On\b.{0,300}\bwrote:",  # English
    r"Am\b.{0,300}\bschrieb\b.{0,300}:",  # German
    r"Le\b.{0,300}\ba écrit\s?:",  # French
    r"El\b.{0,300}\bescribió\s?:",  # Spanish
    r"Op\b.{0,300}\bschreef\b.{0,300}:",  # Dutch
    r"Il\b.{0,300}\bha scritto\s?:",  # Italian
    r"Em\b.{0,300}\bescreveu\s?:",  # Portuguese
    r"(Den|På)\b.{0,300}\bskrev\b.{0,300}:",  # Swedish, Danish, Norwegian
    r"W dniu\b.{0,300}\b(napisał|napisała|pisze)\b.{0,300}:",  # Polish
    r"\d.{0,300}\b(написал|написала|пишет)(\(а\))?\s?:",  # Russian (after a date)
    r"Dne\b.{0,300}\b(napsal|napsala)(\(a\))?\s?:",  # Czech
    r"\d.{0,300}\btarihinde\b.{0,300}\byazdı\s?:",  # Turkish (after a date)
)
# "-----Original Message-----" as Outlook writes it in each language.
_SEPARATORS = (
    "Original Message",
    "Ursprüngliche Nachricht",
    "Message d'origine",
    "Mensaje original",
    "Oorspronkelijk bericht",
    "Messaggio originale",
    "Mensagem original",
    "Ursprungligt meddelande",
    "Oprindelig meddelelse",
    "Opprinnelig melding",
    "Wiadomość oryginalna",
    "Исходное сообщение",
    "Původní zpráva",
    "Orijinal Mesaj",
)
# Outlook's quoted header block: a From line, then within a few lines a Sent (or Date)
# line, each possibly in bold (`*From:*`) as plain-text renderings of HTML write it.
_FROM_NAMES = ("From", "Von", "De", "Van", "Da", "Från", "Fra", "Od", "От", "Kimden")
_SENT_NAMES = (
    "Sent",
    "Date",
    "Gesendet",
    "Datum",
    "Envoyé",
    "Date d'envoi",
    "Enviado",
    "Fecha",
    "Verzonden",
    "Inviato",
    "Data",
    "Skickat",
    "Sendt",
    "Wysłano",
    "Отправлено",
    "Дата",
    "Odesláno",
    "Gönderildi",
    "Tarih",
)
_BLOCK_LOOKAHEAD = 4

_ATTRIBUTION = re.compile(rf"^({'|'.join(_ATTRIBUTIONS)})\s*$", re.DOTALL)
_SEPARATOR = re.compile(
    rf"^-{{2,}}\s*({'|'.join(map(re.escape, _SEPARATORS))})\s*-{{2,}}\s*$", re.IGNORECASE
)
_FROM_LINE = re.compile(rf"^\*?({'|'.join(_FROM_NAMES)})\s?:\*?\s", re.IGNORECASE)
_SENT_LINE = re.compile(rf"^\*?({'|'.join(map(re.escape, _SENT_NAMES))})\s?:\*?\s", re.IGNORECASE)
_RULE = re.compile(r"^_{10,}\s*$")


def reply_text(text: str) -> str:
    """A reply without the thread it quotes: cut where the thread starts, and any
    trailing block of `>` lines."""
    lines = text.split("\n")
    kept = lines[: _thread_start(lines)]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip()


def _thread_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if REPLY_MARKER in line or _starts_thread(lines, index):
            if index > 0 and _RULE.match(lines[index - 1].strip()):
                return index - 1  # Outlook on the web's line above the header block
            return index
    return len(lines)


def _starts_thread(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    joined = " ".join(part.strip() for part in lines[index : index + 2])
    if _ATTRIBUTION.match(line) or _ATTRIBUTION.match(joined) or _SEPARATOR.match(line):
        return True
    if not _FROM_LINE.match(line):
        return False
    following = lines[index + 1 : index + 1 + _BLOCK_LOOKAHEAD]
    return any(_SENT_LINE.match(candidate.strip()) for candidate in following)
