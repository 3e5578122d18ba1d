"""Reading raw messages: charsets and transfer encodings, RFC 2047 subjects, HTML reduced
to text, quoted history trimmed, programs' mail and bounces recognised."""

from __future__ import annotations

import base64
import quopri
from email.message import EmailMessage

import pytest

from servicedesk.email.parse import REPLY_MARKER, NotAMessage, html_to_text, parse, reply_text


def _raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body


def test_iso_8859_1_quoted_printable_and_an_rfc2047_subject() -> None:
    body = quopri.encodestring("Le café est froid, à côté du bureau.".encode("iso-8859-1"))
    raw = _raw(
        "From: =?iso-8859-1?q?Andr=E9?= <andre@example.fr>\n"
        "To: support@acme.example\n"
        "Subject: =?iso-8859-1?q?Caf=E9_froid?=\n"
        "Message-ID: <qp@example.fr>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n",
        body,
    )

    mail = parse(raw)

    assert mail.subject == "Café froid"
    assert mail.sender == "andre@example.fr"
    assert mail.sender_name == "André"
    assert mail.text == "Le café est froid, à côté du bureau."
    assert mail.message_id == "<qp@example.fr>"


def test_shift_jis_and_utf8_base64() -> None:
    japanese = "プリンターが動きません。"
    sjis = _raw(
        "From: taro@example.jp\nSubject: =?shift_jis?b?"
        + base64.b64encode("印刷".encode("shift_jis")).decode()
        + "?=\nContent-Type: text/plain; charset=shift_jis\n"
        "Content-Transfer-Encoding: base64\n",
        base64.b64encode(japanese.encode("shift_jis")),
    )
    utf8 = _raw(
        "From: lena@example.de\nSubject: =?utf-8?b?"
        + base64.b64encode("Drucker kaputt ✓".encode()).decode()
        + "?=\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n",
        base64.b64encode("Grüße aus Köln".encode()),
    )

    assert (parse(sjis).subject, parse(sjis).text) == ("印刷", japanese)
    assert (parse(utf8).subject, parse(utf8).text) == ("Drucker kaputt ✓", "Grüße aus Köln")


def test_html_only_mail_becomes_text_without_markup_or_scripts() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<p>Hello&nbsp;team,</p><script>alert(1)</script>"
        "<ul><li>VPN down</li><li>Wi-Fi slow &amp; flaky</li></ul>"
        '<p>See <a href="https://x.example">this</a> &lt;b&gt;now&lt;/b&gt;</p></body></html>'
    )
    raw = _raw("From: a@example.com\nContent-Type: text/html; charset=utf-8\n", html.encode())

    assert parse(raw).text == (
        "Hello team,\n\n- VPN down\n- Wi-Fi slow & flaky\n\nSee this <b>now</b>"
    )


def test_plain_text_is_preferred_over_html_in_an_alternative() -> None:
    raw = _raw(
        'From: a@example.com\nContent-Type: multipart/alternative; boundary="b"\n',
        b"--b\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--b--\r\n",
    )

    assert parse(raw).text == "plain words"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"Thanks!\n\n{REPLY_MARKER}\n\nold answer", "Thanks!"),
        ("Fixed.\n\nOn Tue, 1 Dec 2026 at 10:00, Acme IT <s@acme.example> wrote:\n> hi", "Fixed."),
        ("Fixed.\n\nOn Tue, 1 Dec 2026 at 10:00, Acme IT\n<s@acme.example> wrote:\n> hi", "Fixed."),
        ("Yes\n\n-----Original Message-----\nFrom: x", "Yes"),
        ("See below\n> quoted\n> more", "See below"),
        ("> a quote first\nthen my answer", "> a quote first\nthen my answer"),
    ],
)
def test_quoted_history_is_trimmed_from_replies(text: str, kept: str) -> None:
    assert reply_text(text) == kept


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "Precedence: list",
        "List-Id: <announce.example.com>",
        "X-Autoreply: yes",
        "X-Auto-Response-Suppress: All",
        "X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply",
        "X-Auto-Response-Suppress: OOF",
    ],
)
def test_a_programs_mail_is_recognised(header: str) -> None:
    assert parse(_raw(f"From: bot@example.com\n{header}\n", b"hi")).automatic is True


def test_a_persons_mail_is_not_automatic_and_auto_submitted_no_is_a_person() -> None:
    assert parse(_raw("From: a@example.com\nAuto-Submitted: no\n", b"hi")).automatic is False
    # Outlook asks only that no delivery or read receipts answer it: a person's mail.
    person = "From: a@example.com\nX-Auto-Response-Suppress: DR, RN, NRN\n"
    assert parse(_raw(person, b"hi")).automatic is False


def test_bounces_and_missing_message_ids() -> None:
    bounce = parse(_raw("From: Mail Delivery System <MAILER-DAEMON@mx.example>\n", b"failed"))
    report = parse(
        _raw('From: a@example.com\nContent-Type: multipart/report; boundary="b"\n', b"--b--")
    )
    raw = _raw("From: a@example.com\n", b"no id")

    assert bounce.bounce
    assert report.bounce
    assert parse(raw).message_id == parse(raw).message_id
    assert parse(raw).message_id.endswith("@no-message-id.invalid>")


@pytest.mark.parametrize(
    "raw",
    [b"", b"just some words", b"Subject: no sender\r\n\r\nbody", b"From: not an address\r\n\r\nx"],
)
def test_what_is_not_a_message(raw: bytes) -> None:
    with pytest.raises(NotAMessage):
        parse(raw)


def test_html_to_text_keeps_no_tag() -> None:
    assert html_to_text("<img src=x onerror=alert(1)><b>bold</b>") == "bold"


def _mail_with_files() -> bytes:
    message = EmailMessage()
    message["From"] = "ana@customer.example"
    message["To"] = "support@acme.example"
    message["Subject"] = "Screenshot of the error"
    message["Message-ID"] = "<files@customer.example>"
    message.set_content("See the screenshot.")
    message.add_alternative('<p>See <img src="cid:shot@customer.example"></p>', subtype="html")
    html = message.get_payload()[1]
    html.add_related(
        b"\x89PNG-inline", maintype="image", subtype="png", cid="<shot@customer.example>"
    )
    message.add_attachment(
        b"%PDF-1.7 report", maintype="application", subtype="pdf", filename="report.pdf"
    )
    message.add_attachment("r\u00e9sum\u00e9 text", filename="notes \u00e9t\u00e9.txt")
    forwarded = EmailMessage()
    forwarded["Subject"] = "Original alert"
    forwarded.set_content("Disk full")
    message.add_attachment(forwarded)
    return message.as_bytes()


def test_attachments_inline_images_and_attached_messages_are_files_and_not_text() -> None:
    parsed = parse(_mail_with_files())

    assert parsed.text == "See the screenshot."
    names = [(f.filename, f.content_type, f.content_id) for f in parsed.files]
    assert names == [
        ("part.png", "image/png", "shot@customer.example"),
        ("report.pdf", "application/pdf", None),
        ("notes \u00e9t\u00e9.txt", "text/plain", None),
        ("Original alert.eml", "message/rfc822", None),
    ]
    assert parsed.files[0].data == b"\x89PNG-inline"
    assert parsed.files[1].data == b"%PDF-1.7 report"
    assert "Disk full" in parsed.files[3].data.decode()


def test_a_plain_message_has_no_files() -> None:
    raw = _raw(
        "From: a@b.example\nSubject: x\nMessage-ID: <p@b.example>\n"
        "Content-Type: text/plain; charset=utf-8\n",
        b"just text",
    )
    assert parse(raw).files == ()
