"""Passwords written into URLs (``http://user:secret@host/health``): kept in memory, never shown.

A check URL is stored in the shared database, printed, logged and shown on
screens; its password must be none of those. The loader splits it off with
``split_credentials``: the URL everybody sees has ``***`` in place of the
password (``http://user:***@host/health``), the pair itself stays in the
check spec in memory and goes on the wire as an ``Authorization`` header.
A user name without a password is masked too: that is how tokens are
usually pasted (``https://TOKEN@host/``).

``mask_urls`` does the same to free text (an error message quoting a URL).

``redact_secrets`` is for database URLs in messages (``--db 'alice:Secret@host/noc'``
is not even a URL SQLAlchemy can parse, so its own ``hide_password`` cannot
help): it masks the password of ``[scheme://]user:password@`` however the URL
is written, and keeps a bare user name, which for a database is no secret.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "***"

# scheme://userinfo@ in free text; userinfo stops at the first "/", "@" or space.
_USERINFO_IN_TEXT = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s\"']+)@")


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``(url with the password masked, (user, password) or None)``; user and password percent-decoded."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    shown = f"{user}:{MASK}" if colon else MASK
    masked = urlunsplit((parts.scheme, f"{shown}@{hostport}", parts.path, parts.query, parts.fragment))
    return masked, (unquote(user), unquote(password))


def strip_userinfo(url: str) -> str:
    """The URL without any ``user:password@`` (what is actually requested)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    hostport = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))


def mask_urls(text: str) -> str:
    """Free text with the password (or bare user token) of every URL in it masked."""
    def mask(match: re.Match) -> str:
        user, colon, _ = match["userinfo"].partition(":")
        return f"{match['scheme']}{user}:{MASK}@" if colon else f"{match['scheme']}{MASK}@"

    return _USERINFO_IN_TEXT.sub(mask, text)


# [scheme://]user:password@  — the password is everything up to the last "@"
# before the host (passwords may contain "@" and ":" when not percent-encoded).
_USERINFO = re.compile(
    r"(?P<lead>(?:[A-Za-z][A-Za-z0-9+.\-]*://)|(?<![^\s\"'(=]))"
    r"(?P<user>[^\s:/@\"']*):(?!//)(?P<password>[^\s\"']*)@(?=[^\s@\"']*(?:[\s\"')]|$))"
)


def redact_secrets(text: str) -> str:
    """``text`` with the password of every ``user:password@host`` in it replaced by ``***``."""
    return _USERINFO.sub(lambda m: f"{m['lead']}{m['user']}:{MASK}@", text)
