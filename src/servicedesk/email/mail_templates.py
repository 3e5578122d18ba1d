"""The text of the mail sent to requesters: the shipped templates (`templates/`), and
the ones a tenant may set instead (`/api/v1/configuration/email`, `templates`).

A tenant's template is Jinja2 run in its sandbox (no attribute tricks reach Python),
with undefined names an error. It is checked when it is set, by compiling it and
rendering it with a sample of every variable, so a template that is accepted renders.
HTML templates escape every value; the text ones do not need to.
"""

from __future__ import annotations

from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from servicedesk.logs import get_logger

log = get_logger(__name__)

Part = Literal["text", "html"]
SHIPPED = {"text": "reply.txt", "html": "reply.html"}
TEXT_MAX = 20_000
HTML_MAX = 100_000

# Every variable a template is rendered with; a tenant's is checked against these.
SAMPLE: dict[str, Any] = {
    "marker": "##- Please type your reply above this line -##",
    "kind": "reply",  # or "ai_reply", "acknowledgement"
    "body": "Restarted the VPN gateway; please try again.",
    "subject": "VPN not connecting",
    "token": "SD-7KQ2M9XAPB",
    "sender_name": "Acme IT",
    "left_out": ["image.iso (700.0 MB)"],
}

_SHIPPED = jinja2.Environment(
    loader=jinja2.PackageLoader("servicedesk.email", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_TENANTS = {
    part: SandboxedEnvironment(
        autoescape=part == "html", undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    for part in ("text", "html")
}


def check(part: Part, source: str) -> str:
    """`source` if it compiles and renders with every variable; ValueError saying where
    it fails otherwise."""
    try:
        _TENANTS[part].from_string(source).render(SAMPLE)
    except jinja2.TemplateSyntaxError as error:
        raise ValueError(f"template syntax error on line {error.lineno}: {error.message}") from None
    except jinja2.UndefinedError as error:
        known = ", ".join(sorted(SAMPLE))
        raise ValueError(f"{error.message} (the variables are: {known})") from None
    except Exception as error:  # the sandbox's SecurityError, a filter's TypeError, ...
        raise ValueError(f"template cannot be rendered: {error}") from None
    return source


def render(part: Part, context: dict[str, Any], custom: str | None) -> str:
    """The tenant's template for `part` if it has one and it renders, else the shipped."""
    if custom:
        try:
            return _TENANTS[part].from_string(custom).render(context)
        except Exception:
            log.warning("tenant_mail_template_failed", part=part, exc_info=True)
    return _SHIPPED.get_template(SHIPPED[part]).render(context)
