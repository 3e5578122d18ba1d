"""Mail read as faithfully as a mature helpdesk reads it: charsets whose labels lie, the
senders real MTAs deliver, every text part, uuencoded files, HTML tables, reply quotes
in the languages Zammad knows, the display name and Cc kept, the address as written."""

from __future__ import annotations

import base64
import binascii
import time

import httpx
import pytest
from sqlalchemy import select

from servicedesk.db.database import Database
from servicedesk.email.charsets import decode_text
from servicedesk.email.models import EmailMessage as MessageRow
from servicedesk.email.parse import CC_KEPT, html_to_text, parse, reply_text
from tests.conftest import Drain
from tests.email.conftest import configure, hand_in, mail
from tests.smtp_server import SmtpServer


def _raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode("utf-8") + b"\r\n" + body


def _text_mail(body: bytes, charset: str | None, encoding: str = "8bit") -> bytes:
    label = f"; charset={charset}" if charset else ""
    return _raw(
        "From: a@example.com\nSubject: x\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain{label}\nContent-Transfer-Encoding: {encoding}\n",
        body,
    )


# -- charsets -------------------------------------------------------------------------

CHINESE = "你好，我的电脑坏了，打印机也不能用了。请尽快帮助我，谢谢！"


def test_a_body_labelled_gb2312_but_written_in_utf8_is_read_as_utf8() -> None:
    text = parse(_text_mail(base64.b64encode(CHINESE.encode()), "gb2312", "base64")).text

    assert text == CHINESE
    assert "\ufffd" not in text


def test_a_gbk_only_character_under_a_gb2312_label_is_kept() -> None:
    # 镕 (as in 朱镕基) is in GBK and GB18030, not in GB2312.
    words = "朱镕基的电脑坏了"
    assert parse(_text_mail(base64.b64encode(words.encode("gbk")), "gb2312", "base64")).text == (
        words
    )


def test_8bit_utf8_without_a_charset_keeps_its_accents() -> None:
    assert parse(_text_mail("Café crème, ça marche pas".encode(), None)).text == (
        "Café crème, ça marche pas"
    )


def test_windows_1252_characters_under_an_iso_8859_1_label() -> None:
    body = "Price \u20ac5 \u201cquoted\u201d \u2013 done".encode("cp1252")
    assert parse(_text_mail(body, "iso-8859-1")).text == "Price €5 “quoted” – done"


def test_an_unlabelled_legacy_body_goes_to_the_detector() -> None:
    russian = (
        "Здравствуйте! Мой принтер на третьем этаже не печатает уже второй день, "
        "а сканер показывает ошибку подключения к сети. Помогите, пожалуйста."
    )
    assert decode_text(russian.encode("cp1251"), None) == russian


def test_an_rfc2047_subject_in_a_lying_charset_and_raw_8bit_headers() -> None:
    subject = base64.b64encode("打印机坏了".encode()).decode()
    raw = _raw(
        f"From: Jos\u00e9 <jose@example.com>\nSubject: =?gb2312?B?{subject}?=\n",
        b"x",
    )

    mail = parse(raw)

    assert mail.subject == "打印机坏了"
    assert mail.sender_name == "José"


def test_a_declared_utf16_body_is_believed() -> None:
    body = base64.b64encode("Drucker kaputt".encode("utf-16"))
    assert parse(_text_mail(body, "utf-16", "base64")).text == "Drucker kaputt"


# -- senders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_header", "name", "address"),
    [
        ("Marc <marc.dupont@abcd-gestion.local>", "Marc", "marc.dupont@abcd-gestion.local"),
        ("guest@localhost", "", "guest@localhost"),
        ("Smith, John <john.smith@example.com>", "Smith, John", "john.smith@example.com"),
        ('"Smith, John" <John.Smith@Example.COM>', "Smith, John", "John.Smith@example.com"),
        ("=?utf-8?q?M=C3=BCller=2C_Anna?= <anna@example.de>", "Müller, Anna", "anna@example.de"),
    ],
)
def test_senders_real_mta_deliver_are_taken(from_header: str, name: str, address: str) -> None:
    mail = parse(_raw(f"From: {from_header}\nSubject: x\n", b"hi"))

    assert (mail.sender_name, mail.sender) == (name, address)


@pytest.mark.parametrize(
    "from_lines",
    [
        "From: marc.dupont@abcd-gestion.local",
        "From: guest@localhost",
        "From: Smith, John <john.smith@example.com>",
        "From: MAILER\nFrom: Ana <ana@customer.example>",
    ],
    ids=["ad-domain", "localhost", "unquoted-comma", "junk-from-first"],
)
async def test_such_senders_are_taken_over_http_not_refused(
    client: httpx.AsyncClient, headers: dict[str, str], from_lines: str
) -> None:
    raw = _raw(f"{from_lines}\nTo: support@acme.example\nSubject: VPN\n", b"It drops.")
    taken = await hand_in(client, headers, raw)
    ticket = (await client.get(f"/api/v1/tickets/{taken['ticket_id']}", headers=headers)).json()
    assert ticket["requester_email"] in from_lines


def test_the_first_usable_from_is_the_sender() -> None:
    raw = _raw("From: MAILER\nFrom: Ana <ana@customer.example>\nSubject: x\n", b"hi")
    assert parse(raw).sender == "ana@customer.example"


def test_cc_addresses_are_kept_as_written() -> None:
    raw = _raw(
        "From: ana@customer.example\nCc: Bob <Bob@Customer.example>, carol@customer.example\n",
        b"hi",
    )
    assert parse(raw).cc == ("Bob@customer.example", "carol@customer.example")


# -- text parts and files -------------------------------------------------------------


def _multipart(subtype: str, *parts: str) -> bytes:
    body = "".join(f"--b\r\n{part}\r\n" for part in parts) + "--b--\r\n"
    return _raw(
        f'From: a@example.com\nSubject: x\nContent-Type: multipart/{subtype}; boundary="b"\n',
        body.encode(),
    )


def test_every_text_part_is_kept_in_order_around_an_inline_image() -> None:
    image = base64.b64encode(b"\x89PNG image").decode()
    raw = _multipart(
        "mixed",
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHere is the error:",
        "Content-Type: image/png\r\nContent-Disposition: inline\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{image}",
        "Content-Type: text/plain; charset=utf-8\r\n\r\nIt appears after login.",
    )

    mail = parse(raw)

    assert mail.text == "Here is the error:\n\nIt appears after login."
    assert [(f.filename, f.data) for f in mail.files] == [("part.png", b"\x89PNG image")]


def test_an_invite_and_an_unnamed_csv_are_files_not_lost() -> None:
    raw = _multipart(
        "mixed",
        "Content-Type: text/plain\r\n\r\nSee the invite and the list.",
        "Content-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR",
        "Content-Type: text/csv\r\n\r\nhost,ip\r\nsrv1,10.0.0.1",
    )

    mail = parse(raw)

    assert mail.text == "See the invite and the list."
    assert [(f.filename, f.content_type) for f in mail.files] == [
        ("part.ics", "text/calendar"),
        ("part.csv", "text/csv"),
    ]
    assert b"BEGIN:VCALENDAR" in mail.files[0].data
    assert b"srv1,10.0.0.1" in mail.files[1].data


def test_the_alternative_not_read_is_no_file() -> None:
    raw = _multipart(
        "alternative",
        "Content-Type: text/plain\r\n\r\nplain words",
        "Content-Type: text/html\r\n\r\n<p>html words</p>",
    )
    mail = parse(raw)
    assert (mail.text, mail.files) == ("plain words", ())


def test_a_uuencoded_file_in_the_text_is_taken_out_as_a_file() -> None:
    data = bytes(range(256)) * 2
    lines = [binascii.b2a_uu(data[i : i + 45]).decode().rstrip("\n") for i in range(0, 512, 45)]
    body = "Log attached.\n\nbegin 644 vpn.log\n" + "\n".join(lines) + "\n`\nend\n\nThanks"

    mail = parse(_text_mail(body.encode(), "us-ascii"))

    assert mail.text == "Log attached.\n\nThanks"
    assert [(f.filename, f.data) for f in mail.files] == [("vpn.log", data)]


def test_a_begin_line_that_is_not_uuencode_stays_text() -> None:
    body = "begin 644 of my notes\nthis is not uuencoded at all!\nend"
    assert parse(_text_mail(body.encode(), "us-ascii")).text == body


# -- HTML ------------------------------------------------------------------------------


def test_html_tables_keep_their_cells_apart() -> None:
    html = "<table><tr><th>Host</th><th>IP</th></tr><tr><td>srv1</td><td>10.0.0.1</td></tr>"
    text = html_to_text(html + "</table>")

    assert text.split("\n")[0].split() == ["Host", "IP"]
    assert text.split("\n")[1].split() == ["srv1", "10.0.0.1"]


@pytest.mark.parametrize(
    "html",
    [
        "<div><b>Printer <i>broken</div></b> since Monday",
        "<table><tr><td>Printer broken<td></table></div></div> since Monday",
        "<html><body><p>Printer broken<p>since Monday</html></body>",
        "<!--[if mso]><p>x</p><![endif]--><p>Printer broken since Monday",
        "<font>" * 300 + "Printer broken since Monday",
    ],
    ids=["unclosed-inline", "stray-closers", "crossed-html-body", "mso-comment", "300-unclosed"],
)
def test_broken_html_nesting_still_gives_its_text(html: str) -> None:
    text = html_to_text(html)
    assert "Printer" in text
    assert "since Monday" in text or "broken" in text


# -- reply quotes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "Am 07.05.2012 08:10, schrieb Acme IT:\n> alt",
        "Am 07.05.2012 um 08:10 schrieb Acme IT\n<support@acme.example>:\n> alt",
        "-----Ursprüngliche Nachricht-----\nVon: Acme IT\nGesendet: Montag",
        "Von: Acme IT <support@acme.example>\nGesendet: Montag, 7. Mai 2012 08:10\nAn: Ana",
        "From: Acme IT <support@acme.example>\nSent: Monday, May 7, 2012 8:10 AM\nTo: Ana",
        "________________________________\nFrom: Acme IT\nSent: Monday\nTo: Ana\nSubject: x",
        "*From:* Acme IT\n*Sent:* Monday\n*To:* Ana",
        "Le lun. 7 mai 2012 à 08:10, Acme IT <support@acme.example> a écrit :\n> vieux",
        "De : Acme IT\nEnvoyé : lundi 7 mai 2012 08:10\nÀ : Ana",
        "-----Message d'origine-----\nDe : Acme IT",
        "El 7 may 2012, a las 08:10, Acme IT escribió:\n> viejo",
        "Op 7 mei 2012 om 08:10 schreef Acme IT <support@acme.example>:\n> oud",
        "Il giorno 7 mag 2012, alle ore 08:10, Acme IT ha scritto:\n> vecchio",
        "Em 7 de mai de 2012, às 08:10, Acme IT escreveu:\n> antigo",
        "Den 7 maj 2012 kl. 08:10 skrev Acme IT <support@acme.example>:\n> gammal",
        "W dniu 7 maja 2012 08:10 użytkownik Acme IT napisał:\n> stary",
        "7 мая 2012 г., в 08:10, Acme IT написал(а):\n> старый",
        "7 мая 2012 г. 08:10 пользователь Acme IT написал:\n> старый",
        "Dne 7. 5. 2012 v 8:10 Acme IT napsal(a):\n> starý",
        "-----Original Message-----\nFrom: Acme IT",
    ],
)
def test_reply_quotes_are_cut_in_the_languages_zammad_knows(quote: str) -> None:
    assert reply_text(f"Works now, thanks.\n\n{quote}\n> more") == "Works now, thanks."


def test_a_from_line_in_a_reply_without_a_header_block_is_kept() -> None:
    text = "From: the laptop on desk 4, the VPN still drops.\nIt started on Monday."
    assert reply_text(text) == text


# -- what is kept ------------------------------------------------------------------


async def test_the_name_the_cc_and_the_address_as_written_are_kept(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    database: Database,
    smtp: SmtpServer,
    drained: Drain,
) -> None:
    """A requester of an Active Directory domain, written with capitals and an unquoted
    comma: the ticket is theirs as written, and their lower-case answer to the desk's
    reply still counts as theirs."""
    requester = "John.Smith@abcd-gestion.local"
    await configure(client, headers)
    first = mail(
        sender="Smith, John <John.Smith@ABCD-Gestion.local>",
        headers={"Cc": "Bob <Bob@abcd-gestion.local>"},
    )
    taken = await hand_in(client, headers, first)
    ticket_id = taken["ticket_id"]
    ticket = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()
    sent = await client.post(
        f"/api/v1/tickets/{ticket_id}/notes",
        json={"body": "Please restart it.", "private": False},
        headers=headers,
    )
    assert sent.status_code == 201
    await drained()
    (desk_mail,) = smtp.messages
    answer = mail(
        sender="john.smith@abcd-gestion.local",
        body="Still broken.",
        headers={"In-Reply-To": str(desk_mail["Message-ID"])},
    )
    await hand_in(client, headers, answer)

    assert ticket["requester_email"] == requester
    assert ticket["metadata"]["email_from_name"] == "Smith, John"
    assert ticket["metadata"]["email_cc"] == ["Bob@abcd-gestion.local"]
    assert desk_mail["To"].addresses[0].addr_spec == requester
    notes = (await client.get(f"/api/v1/tickets/{ticket_id}/notes", headers=headers)).json()
    assert (notes["notes"][-1]["author"], notes["notes"][-1]["private"]) == ("requester", False)
    statement = (
        select(MessageRow.sender, MessageRow.sender_name, MessageRow.cc)
        .where(MessageRow.direction == "in")
        .order_by(MessageRow.created_at)
    )
    rows = await database.read(lambda session: session.execute(statement).all())
    assert [tuple(row) for row in rows] == [
        (requester, "Smith, John", ["Bob@abcd-gestion.local"]),
        ("john.smith@abcd-gestion.local", None, None),
    ]


# -- cost ----------------------------------------------------------------------------


def _nested_alternatives(depth: int) -> bytes:
    body = b"Content-Type: text/plain\r\n\r\nleaf\r\n"
    for level in range(depth):
        body = (
            b'Content-Type: multipart/alternative; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
            + body
            + b"--b%d\r\nContent-Type: text/html\r\n\r\n<p>h</p>\r\n--b%d--\r\n" % (level, level)
        )
    return b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + body


@pytest.mark.parametrize(
    "raw",
    [
        _nested_alternatives(19),  # asked again at every level, 3^19 steps
        _raw(
            "From: a@example.com\nContent-Type: text/html\n",
            ("<table>" + "<tr><td>srv</td><td>10.0.0.1</td></tr>" * 20_000).encode(),
        ),  # a layout engine took seconds on it, near the 10 s budget
    ],
    ids=["alternatives-19-deep", "table-of-20000-rows"],
)
def test_reading_costs_time_in_proportion_to_the_message(raw: bytes) -> None:
    started = time.monotonic()
    mail = parse(raw)
    assert time.monotonic() - started < 5
    assert mail.text.startswith(("leaf", "srv  10.0.0.1"))


async def test_a_mail_to_a_crowd_is_taken_with_the_first_cc_kept(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    crowd = ", ".join(f"{'x' * 60}.{n}@{'department.' * 20}example.com" for n in range(60))
    taken = await hand_in(client, headers, mail(headers={"Cc": crowd}))

    ticket = (await client.get(f"/api/v1/tickets/{taken['ticket_id']}", headers=headers)).json()
    assert len(ticket["metadata"]["email_cc"]) == CC_KEPT
    assert ticket["metadata"]["email_cc"][0].endswith(".0@" + "department." * 20 + "example.com")


@pytest.mark.parametrize(
    ("raw_subject", "subject"),
    [
        ("Caf\u00e9 =?utf-8?q?cr=C3=A8me?= ok".encode("latin-1"), "Café crème ok"),
        ("印刷 =?utf-8?q?cr=C3=A8me?=".encode(), "印刷 crème"),
        (b"C:\\users\\x =?utf-8?q?cr=C3=A8me?=", "C:\\users\\x crème"),
    ],
    ids=["latin-1-beside-a-word", "utf8-beside-a-word", "a-backslash-u"],
)
def test_raw_8bit_text_beside_an_encoded_word(raw_subject: bytes, subject: str) -> None:
    raw = b"Subject: " + raw_subject + b"\r\nFrom: j@example.com\r\n\r\nx"
    assert parse(raw).subject == subject
