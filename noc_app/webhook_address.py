"""Where a notification list's webhook goes, without its secret reaching the database or a report.

A chat webhook's URL is its password (Slack, Teams, Discord and Google Chat
put the token in the path), and the notification lists live in the shared
database that every desktop reads and every export quotes.  So the list
names an environment variable instead (``webhook_url = "env:OPS_CHAT_HOOK"``)
that the sending machine resolves at the moment of sending; a message
records its webhook by the list it belongs to (``list:internal-major``),
never by URL, and a delivery error never repeats the URL.

A plain http(s) URL stays allowed for hooks without a secret in them (an
internal relay), but the well-known chat services' URLs are refused in
plain form: they always carry their token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

ENV_PREFIX = "env:"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Hosts whose webhook URLs are bearer tokens: (host suffix, path prefix).
TOKEN_HOSTS = (("hooks.slack.com", "/"), ("discord.com", "/api/webhooks"), ("discordapp.com", "/api/webhooks"),
               ("webhook.office.com", "/"), ("outlook.office.com", "/webhook"), ("chat.googleapis.com", "/"))


def check_webhook(value: str) -> str:
    """``value`` if it is an ``env:NAME`` reference or a secret-free http(s) URL; else ValueError (one line)."""
    if value.startswith(ENV_PREFIX):
        name = value[len(ENV_PREFIX):]
        if not _ENV_NAME.match(name):
            raise ValueError(f"{value!r} is not an environment variable reference; write e.g. "
                             '"env:OPS_CHAT_HOOK" (letters, digits and _)')
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise ValueError(f"{shown!r} is not an http(s) URL or an env:NAME reference")
    host = parts.hostname.lower()
    for suffix, path in TOKEN_HOSTS:
        if (host == suffix or host.endswith("." + suffix)) and parts.path.startswith(path):
            raise ValueError(f"{host} webhook URLs carry their token, which must not be stored in the shared "
                             'database; put the URL in an environment variable and write "env:NAME"')
    if parts.username or parts.password:
        raise ValueError(f"the webhook URL for {host} has a password in it; put the URL in an environment "
                         'variable and write "env:NAME"')
    return value


def recipient_of(list_id: str) -> str:
    """How a webhook message is recorded and shown: by its notification list, never by URL."""
    return f"list:{list_id}"


def resolve(address: str, environ: Mapping[str, str] = os.environ) -> tuple[str | None, str | None]:
    """(URL to post to, None) or (None, the reason it cannot be sent) for a stored webhook address."""
    if not address.startswith(ENV_PREFIX):
        return address, None
    name = address[len(ENV_PREFIX):]
    url = (environ.get(name) or "").strip()
    if not url:
        return None, f"environment variable {name} is not set on this machine (it holds the webhook URL)"
    if urlsplit(url).scheme not in ("http", "https"):
        return None, f"environment variable {name} does not hold an http(s) URL"
    return url, None


def scrub(error: str, url: str) -> str:
    """A delivery error with the URL, and its path (where tokens live), taken out."""
    parts = urlsplit(url)
    secret_parts = [url, url.split("?", 1)[0], parts.path + (f"?{parts.query}" if parts.query else ""),
                    parts.path]
    for part in sorted({p for p in secret_parts if p and p != "/"}, key=len, reverse=True):
        error = error.replace(part, "…")
    return error
