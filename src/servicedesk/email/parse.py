"""Reading a raw message (RFC 5322, MIME) into what a ticket needs, with the standard
library's `email` package and `policy.default`: headers decoded (RFC 2047), bodies in
their charset, HTML reduced to text. Nothing here touches the database."""

from __future__ import annotations

import email
import email.utils
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from html.parser import HTMLParser

from servicedesk.validation import check_email

# The line our outgoing mail puts above the quoted thread (see outbound.py).
REPLY_MARKER = "##- Please type your reply above this line -##"
NO_SUBJECT = "(no subject)"
EMPTY_BODY = "(no text)"

_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f]{1,994}>")
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
_DAEMONS = {"mailer-daemon", "postmaster"}
# Where a reply's quoted history starts: "On Tue, 1 Dec 2026, Ana <a@x> wrote:" (Gmail,
# Apple Mail, Thunderbird; possibly wrapped onto a second line) and Outlook's separator.
_QUOTE_HEADERS = (
    re.compile(r"^On\b.{0,300}\bwrote:\s*$", re.DOTALL),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
)
_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "blockquote", "hr"}
_BLOCK_TAGS |= {f"h{n}" for n in range(1, 7)}
_HIDDEN_TAGS = {"script", "style", "head", "title"}


@dataclass(frozen=True, slots=True)
class MailFile:
    """A file the message carries: an attachment, or an inline image (`content_id`, the
    `cid:` its HTML refers to)."""

    filename: str
    content_type: str
    data: bytes
    content_id: str | None


class MessageRefused(ValueError):
    """A message the desk cannot take as it is, whoever delivers it again: its text says
    why. Over HTTP a 422; from a mailbox, set aside (never retried)."""


class NotAMessage(MessageRefused):
    """The bytes are not an e-mail message we can take (no sender, no headers)."""


@dataclass(frozen=True, slots=True)
class InboundMail:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    text: str
    automatic: bool
    """Sent by a program (Auto-Submitted, Precedence: bulk|junk|list, List-Id): taken,
    never answered."""
    bounce: bool
    """A delivery report (mailer-daemon, postmaster, multipart/report): not taken."""
    files: tuple[MailFile, ...] = ()
    authentication_results: tuple[str, ...] = ()
    """Every `Authentication-Results` header, as written (email.senders)."""

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The messages this one answers, nearest first."""
        return tuple(dict.fromkeys((*self.in_reply_to, *reversed(self.references))))


def parse(raw: bytes) -> InboundMail:
    message = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise NotAMessage("The body is not an e-mail message (no headers)")
    sender_name, sender = _sender(message)
    return InboundMail(
        message_id=_message_id(message, raw),
        in_reply_to=tuple(_MESSAGE_ID.findall(_header(message, "In-Reply-To"))),
        references=tuple(_MESSAGE_ID.findall(_header(message, "References"))),
        subject=_clean_subject(_header(message, "Subject")),
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        text=body_text(message),
        automatic=_automatic(message),
        bounce=_bounce(message, sender),
        files=tuple(files_of(message)),
        authentication_results=_all(message, "Authentication-Results"),
    )


def _all(message: EmailMessage, name: str) -> tuple[str, ...]:
    try:
        return tuple(str(value) for value in message.get_all(name, ()))[:20]
    except Exception:
        return ()


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return "" if value is None else str(value)


def _sender(message: EmailMessage) -> tuple[str, str]:
    name, address = email.utils.parseaddr(_header(message, "From"))
    if "@" not in address:
        raise NotAMessage("The message has no From address")
    try:
        valid = check_email(address.strip())
    except ValueError:
        raise NotAMessage("The message's From address is not valid") from None
    return one_line(name)[:100], valid.lower()


def _message_id(message: EmailMessage, raw: bytes) -> str:
    found = _MESSAGE_ID.findall(_header(message, "Message-ID"))
    if found:
        return str(found[0])
    # Without one, the same bytes still count as the same message.
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


def _clean_subject(subject: str) -> str:
    return one_line(subject)[:255]


def one_line(text: str) -> str:
    """Words separated by single spaces; control characters and lone surrogates gone."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(printable.encode("utf-8", errors="replace").decode().split())


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    fields = [_header(message, name) for name in ("To", "Cc", "Delivered-To", "X-Original-To")]
    addresses = (address.lower() for _, address in email.utils.getaddresses(fields))
    return tuple(dict.fromkeys(a for a in addresses if "@" in a))


def _automatic(message: EmailMessage) -> bool:
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if _header(message, "Precedence").strip().lower() in _AUTOMATIC_PRECEDENCE:
        return True
    if _suppresses_auto_replies(_header(message, "X-Auto-Response-Suppress")):
        return True
    return any(_header(message, name) for name in ("List-Id", "X-Autoreply", "X-Autorespond"))


def _suppresses_auto_replies(value: str) -> bool:
    """Microsoft's `X-Auto-Response-Suppress` (MS-OXCMAIL): `All`, `OOF` or `AutoReply`
    say that no automatic answer is wanted, as programs' mail says; a person's Outlook
    often sends `DR, RN, NRN` (no receipts) alone, which says nothing of that."""
    tokens = {token.strip().lower() for token in value.split(",")}
    return bool(tokens & {"all", "oof", "autoreply"})


def _bounce(message: EmailMessage, sender: str) -> bool:
    local = sender.split("@", 1)[0]
    return local in _DAEMONS or message.get_content_type() == "multipart/report"


def body_text(message: EmailMessage) -> str:
    """The message's text: its text/plain part, else its HTML reduced to text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _decoded(part)
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return _tidy(content)


def files_of(message: EmailMessage) -> list[MailFile]:
    """Every part that is not the message's text: attachments, inline images, attached
    messages (as .eml), in the order they appear."""
    bodies = {
        id(part)
        for part in (message.get_body(("plain",)), message.get_body(("html",)))
        if part is not None
    }
    found: list[MailFile] = []
    _collect_files(message, bodies, found)
    return found


def _collect_files(part: MIMEPart, bodies: set[int], found: list[MailFile]) -> None:
    if id(part) in bodies:
        return
    inner = part.get_payload(0) if part.get_content_type() == "message/rfc822" else None
    if isinstance(inner, Message):
        subject = one_line(str(inner.get("Subject", ""))) or "message"
        name = part.get_filename() or f"{subject}.eml"
        found.append(MailFile(name, "message/rfc822", inner.as_bytes(), None))
        return
    if part.is_multipart():
        for child in part.iter_parts():
            _collect_files(child, bodies, found)
        return
    is_file = part.get_filename() is not None or part.get_content_disposition() == "attachment"
    if part.get_content_maintype() == "text" and not is_file:
        return  # another rendering of the text (e.g. a second alternative)
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    content_id = _MESSAGE_ID.search(str(part.get("Content-ID", "")))
    found.append(
        MailFile(
            part.get_filename() or _unnamed(part),
            part.get_content_type(),
            data,
            content_id.group(0)[1:-1] if content_id else None,
        )
    )


def _unnamed(part: MIMEPart) -> str:
    """A name for a part that carries none: `part.png` for image/png."""
    subtype = re.sub(r"[^a-z0-9]", "", part.get_content_subtype().lower())[:10]
    return f"part.{subtype or 'bin'}"


def _decoded(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    # Text a column cannot hold: NUL and lone surrogates.
    return tidy.replace("\x00", "").encode("utf-8", errors="replace").decode().strip()


def reply_text(text: str) -> str:
    """A reply without the thread it quotes: cut at our marker, at "On … wrote:", at
    Outlook's "Original Message", and any trailing block of `>` lines."""
    lines = text.split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        joined = " ".join(lines[index : index + 2])
        if REPLY_MARKER in line or any(
            pattern.match(line.strip()) or pattern.match(joined.strip())
            for pattern in _QUOTE_HEADERS
        ):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip()


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return extractor.text()


class _TextExtractor(HTMLParser):
    """Text as a reader sees it: blocks on lines of their own, list items marked,
    scripts and styles dropped, entities decoded. No markup survives."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self._parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS and tag != "li":  # the next item starts its own line
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self._parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
