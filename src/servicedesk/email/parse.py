"""Reading a raw message (RFC 5322, MIME) into what a ticket needs, with the standard
library's `email` package and `policy.default`, as leniently as real mail needs: headers
and bodies decoded through `email.charsets`' fallbacks, the first usable sender of any
domain form an MTA delivers, every text part in order, uuencoded files taken out of the
text, HTML made text (`email.html`: table cells apart, broken nesting recovered). Nothing
here touches the database."""

from __future__ import annotations

import email
import email.utils
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message, MIMEPart

from servicedesk.email import uuencode
from servicedesk.email.addresses import first_sender, mail_addresses
from servicedesk.email.charsets import decode_header_value, decode_text
from servicedesk.email.html import html_to_text
from servicedesk.email.quotes import REPLY_MARKER, reply_text

__all__ = ["REPLY_MARKER", "html_to_text", "reply_text"]

NO_SUBJECT = "(no subject)"
EMPTY_BODY = "(no text)"

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LOOSE_BOUNDARY = re.compile(
    rb'(;[ \t]*(?:\r?\n[ \t]+)?boundary[ \t]*=[ \t]*)([^"\s;][^\s;]*)', re.I
)
_TSPECIALS = re.compile(rb"[()<>@,:\\/\[\]?=]")
_UNQUOTED_NAME = re.compile(r"(?:^|;)\s*(?:file)?name\s*=\s*([^\"'\s;=][^\";=]*?)\s*(?:;|$)")
_LOOKS_LIKE_HTML = re.compile(r"<(html|body|p|div|br|table|font)\b", re.IGNORECASE)
_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")
_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f]{1,994}>")
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
_DAEMONS = {"mailer-daemon", "postmaster"}
_BODY_TYPES = ("text/plain", "text/html")
# Python's own table, not the machine's /etc/mime.types: a part's name is the same on
# every installation.
_TYPES = mimetypes.MimeTypes()
_TYPES.add_type("text/calendar", ".ics")
_NAME_MAX = 100
_HEADER_VALUES_READ = 20  # of one header: a message may repeat it up to its header limit
CC_KEPT = 20  # 20 addresses of the longest kind fit a ticket's metadata (16 KiB) with room


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
    cc: tuple[str, ...] = ()
    """The `Cc` addresses, as written."""
    authentication_results: tuple[str, ...] = ()
    """Every `Authentication-Results` header, as written (email.senders)."""

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The messages this one answers, nearest first."""
        return tuple(dict.fromkeys((*self.in_reply_to, *reversed(self.references))))


def parse(raw: bytes) -> InboundMail:
    message = email.message_from_bytes(_repaired(raw), policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise NotAMessage("The body is not an e-mail message (no headers)")
    hint = _text_charset(message)
    sender_name, sender = _sender(message, hint)
    structure = _Structure()
    text, uuencoded = uuencode.extract(_text_of(structure.bodies(message)))
    return InboundMail(
        message_id=_message_id(message, raw),
        in_reply_to=tuple(_MESSAGE_ID.findall(_header(message, "In-Reply-To"))),
        references=tuple(_MESSAGE_ID.findall(_header(message, "References"))),
        subject=_clean_subject(_text_header(message, "Subject", hint)),
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        text=_tidy(text),
        automatic=_automatic(message),
        bounce=_bounce(message, sender),
        files=(*_files_of(message, structure), *_uuencoded_files(uuencoded)),
        cc=mail_addresses(_raw_all(message, "Cc"))[:CC_KEPT],
        authentication_results=_all(message, "Authentication-Results"),
    )


def _repaired(raw: bytes) -> bytes:
    """The message with what the standard library cannot read in its headers mended."""
    return _LOOSE_BOUNDARY.sub(_quoted_boundary, _repaired_head(raw))


def _quoted_boundary(match: re.Match[bytes]) -> bytes:
    """`boundary=----=_Part_1` (Outlook, JavaMail) quoted: unquoted, the library reads
    the boundary as `----` and finds no part."""
    value = match.group(2)
    if not _TSPECIALS.search(value):
        return match.group(0)
    return match.group(1) + b'"' + value + b'"'


def _repaired_head(raw: bytes) -> bytes:
    """The message with its header lines that are neither a field nor a folded line
    (`d=gmail.com; s=1;` of an unfolded DKIM signature, `quite Delivered-To: x`) made
    folded lines of the field above, when more fields follow. The standard library ends
    the header at such a line, and everything after it (From and Subject often) becomes
    the body."""
    end = _HEAD_END.search(raw)
    head = raw[: end.start()] if end else raw
    lines = head.split(b"\n")
    fields = [index for index, line in enumerate(lines) if _FIELD.match(line)]
    # A line after the last field starts a body written without the blank line.
    broken = [
        index
        for index, line in enumerate(lines[: fields[-1]] if fields else [])
        if index and line.strip() and not line[:1].isspace() and not _FIELD.match(line)
    ]
    if not broken:
        return raw
    for index in broken:
        lines[index] = b" " + lines[index]
    return b"\n".join(lines) + raw[len(head) :]


def _all(message: EmailMessage, name: str) -> tuple[str, ...]:
    try:
        return tuple(str(value) for value in message.get_all(name, ()))[:_HEADER_VALUES_READ]
    except Exception:
        return ()


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return "" if value is None else str(value)


def _raw_all(message: EmailMessage, name: str, hint: str | None = None) -> list[str]:
    """Every value of a header as written, encoded words and 8-bit bytes decoded with
    the charset fallbacks (the standard library trusts the label and drops what does
    not decode, or refuses the whole header)."""
    wanted = name.lower()
    written = [str(value) for key, value in message.raw_items() if key.lower() == wanted]
    return [decode_header_value(value, hint) for value in written[:_HEADER_VALUES_READ]]


def _text_header(message: EmailMessage, name: str, hint: str | None) -> str:
    values = _raw_all(message, name, hint)
    return values[0] if values else ""


def _text_charset(message: EmailMessage) -> str | None:
    """The charset of the message's first text part: what its headers' raw bytes are
    most likely in."""
    for part in message.walk():
        if part.get_content_maintype() == "text":
            return part.get_content_charset()
    return None


def _sender(message: EmailMessage, hint: str | None) -> tuple[str, str]:
    froms = _raw_all(message, "From", hint)
    if not any("@" in value for value in froms):
        raise NotAMessage("The message has no From address")
    found = first_sender(froms)
    if found is None:
        raise NotAMessage("The message's From address is not valid")
    name, address = found
    return one_line(name)[:_NAME_MAX], address


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
    fields = ("To", "Cc", "Delivered-To", "X-Original-To")
    addresses = mail_addresses(value for name in fields for value in _raw_all(message, name))
    return tuple(dict.fromkeys(address.lower() for address in addresses))


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
    local = sender.split("@", 1)[0].lower()
    return local in _DAEMONS or message.get_content_type() == "multipart/report"


def _text_of(bodies: list[MIMEPart]) -> str:
    """The message's text: every text part a reader sees, in order (Apple Mail writes
    text, an inline image, more text); of alternatives, the plain one, else the HTML
    made text."""
    return "\n\n".join(text for text in map(_part_text, bodies) if text.strip())


def _part_text(part: MIMEPart) -> str:
    content = _decoded(part)
    if part.get_content_subtype() == "html" or (
        part.get_content_maintype() == "multipart" and _LOOKS_LIKE_HTML.search(content)
    ):
        content = html_to_text(content)
    return _tidy(content)


class _Structure:
    """Which parts of a message are its text, each part's answer worked out once (nested
    alternatives asked again at every level cost exponential time)."""

    def __init__(self) -> None:
        self._bodies: dict[int, list[MIMEPart]] = {}
        self._chosen: dict[int, MIMEPart | None] = {}

    def bodies(self, part: MIMEPart) -> list[MIMEPart]:
        """The text parts a reader of `part` sees, in order."""
        key = id(part)
        if key not in self._bodies:
            self._bodies[key] = self._bodies_of(part)
        return self._bodies[key]

    def _bodies_of(self, part: MIMEPart) -> list[MIMEPart]:
        if part.get_content_type() == "message/rfc822":
            return []  # an attached message is a file, its text its own
        if not part.is_multipart():
            if _is_file(part):
                return []
            readable = part.get_content_type() in _BODY_TYPES
            # A multipart whose boundary never came is read as its text.
            return [part] if readable or part.get_content_maintype() == "multipart" else []
        if part.get_content_type() == "multipart/alternative":
            chosen = self.chosen(part)
            return self.bodies(chosen) if chosen is not None else []
        return [body for child in part.iter_parts() for body in self.bodies(child)]

    def chosen(self, part: MIMEPart) -> MIMEPart | None:
        """The alternative to read: plain text first, then one that holds plain text,
        then HTML, then any (clients put the richest last; the desk stores text)."""
        key = id(part)
        if key not in self._chosen:
            children = [child for child in part.iter_parts() if self.bodies(child)]
            plain = [child for child in children if _is_plain(child)]
            holding_plain = [child for child in children if self._holds_plain(child)]
            self._chosen[key] = next(iter(plain or holding_plain or children), None)
        return self._chosen[key]

    def _holds_plain(self, part: MIMEPart) -> bool:
        return any(map(_is_plain, self.bodies(part)))

    def unread(self, part: MIMEPart) -> list[MIMEPart]:
        """The text parts of the alternatives not read: other renderings of the text."""
        if part.get_content_type() == "message/rfc822" or not part.is_multipart():
            return []
        found: list[MIMEPart] = []
        if part.get_content_type() == "multipart/alternative":
            chosen = self.chosen(part)
            for child in part.iter_parts():
                if child is not chosen:
                    found.extend(self.bodies(child))
        for child in part.iter_parts():
            found.extend(self.unread(child))
        return found


def _is_plain(part: MIMEPart) -> bool:
    return part.get_content_type() == "text/plain"


def _is_file(part: MIMEPart) -> bool:
    return part.get_filename() is not None or part.get_content_disposition() == "attachment"


def _files_of(message: EmailMessage, structure: _Structure) -> list[MailFile]:
    """Every part that is not the message's text: attachments, inline images, attached
    messages (as .eml), text parts of other kinds (an invite, a CSV), in the order they
    appear. The alternatives not read are other renderings of the text, not files."""
    skipped = {id(part) for part in structure.bodies(message)}
    skipped |= {id(part) for part in structure.unread(message)}
    found: list[MailFile] = []
    _collect_files(message, skipped, found)
    return found


def _collect_files(part: MIMEPart, skipped: set[int], found: list[MailFile]) -> None:
    if id(part) in skipped:
        return
    inner = part.get_payload(0) if part.get_content_type() == "message/rfc822" else None
    if isinstance(inner, Message):
        subject = one_line(str(inner.get("Subject", ""))) or "message"
        name = part.get_filename() or f"{subject}.eml"
        found.append(MailFile(name, "message/rfc822", inner.as_bytes(), None))
        return
    if part.is_multipart():
        for child in part.iter_parts():
            _collect_files(child, skipped, found)
        return
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    if not data and part.get_content_maintype() == "text" and not _is_file(part):
        return  # an empty text part: nothing to keep
    content_id = _MESSAGE_ID.search(str(part.get("Content-ID", "")))
    found.append(
        MailFile(
            _filename(part) or _unnamed(part),
            part.get_content_type(),
            data,
            content_id.group(0)[1:-1] if content_id else None,
        )
    )


def _filename(part: MIMEPart) -> str | None:
    """The part's file name: as MIME gives it; an unquoted name with spaces whole
    (`filename=This is a test.txt`, which the library cuts at the first space); else the
    last segment of its Content-Location."""
    given = part.get_filename()
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            unquoted = _UNQUOTED_NAME.search(str(value))
            whole = unquoted.group(1) if unquoted else ""
            if whole and (given is None or (len(whole) > len(given) and whole.startswith(given))):
                return whole
    if given:
        return given
    location = str(part.get("Content-Location", "")).strip()
    return location.rsplit("/", 1)[-1] or None


def _unnamed(part: MIMEPart) -> str:
    """A name for a part that carries none: `part.png` for image/png, `part.ics` for an
    invite."""
    extension = _TYPES.guess_extension(part.get_content_type(), strict=False)
    if extension is None:
        subtype = re.sub(r"[^a-z0-9]", "", part.get_content_subtype().lower())[:10]
        extension = f".{subtype or 'bin'}"
    return f"part{extension}"


def _uuencoded_files(files: list[tuple[str, bytes]]) -> list[MailFile]:
    return [
        MailFile(name, _TYPES.guess_type(name)[0] or "application/octet-stream", data, None)
        for name, data in files
    ]


def _decoded(part: MIMEPart) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_text(payload, part.get_content_charset())


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    # Text a column cannot hold: NUL and lone surrogates.
    return tidy.replace("\x00", "").encode("utf-8", errors="replace").decode().strip()
