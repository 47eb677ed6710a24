"""The real delivery channels: SMTP e-mail and a Slack-compatible webhook.

One e-mail per recipient (a customer must never see who else was told);
each delivery returns an error text instead of raising, so one bad
address never stops the others and every attempt can be recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import requests

from noc_app.webhook_address import scrub


@dataclass(frozen=True)
class ChannelConfig:
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_from: str = "noc@localhost"
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout_s: float = 10.0
    webhook_timeout_s: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ChannelConfig:
        """SMTP settings from ``NOC_SMTP_HOST``, ``_PORT``, ``_FROM``, ``_STARTTLS``, ``_USER``, ``_PASSWORD``.

        The password stays in the environment, never in the database or a file we write.
        """
        defaults = cls()
        try:
            port = int(environ.get("NOC_SMTP_PORT", defaults.smtp_port))
        except ValueError:
            raise ValueError(f"NOC_SMTP_PORT={environ['NOC_SMTP_PORT']!r} is not a port number") from None
        return cls(
            smtp_host=environ.get("NOC_SMTP_HOST", defaults.smtp_host),
            smtp_port=port,
            smtp_from=environ.get("NOC_SMTP_FROM", defaults.smtp_from),
            smtp_starttls=environ.get("NOC_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            smtp_user=environ.get("NOC_SMTP_USER") or None,
            smtp_password=environ.get("NOC_SMTP_PASSWORD") or None,
        )


def _short(exc: BaseException | str) -> str:
    text = (exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}").replace("\n", " ")
    return text[:480]  # notifications_sent.error is VARCHAR(500)


class SmtpSender:
    """Sends several messages over one SMTP connection (opened lazily, closed by ``close``)."""

    def __init__(self, config: ChannelConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            c = self.config
            smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=c.smtp_timeout_s)
            try:
                if c.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if c.smtp_user:
                    smtp.login(c.smtp_user, c.smtp_password or "")
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, to: str, subject: str, body: str) -> str | None:
        """None when the server accepted the message, else the error in one line."""
        message = EmailMessage()
        message["From"] = self.config.smtp_from
        message["To"] = to
        # Header injection is impossible: a newline in a subject is folded away.
        message["Subject"] = " ".join(subject.split())
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="vigil-noc")
        message.set_content(body)  # UTF-8, any content
        try:
            refused = self._connection().send_message(message, to_addrs=[to])
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # a broken connection is reopened for the next recipient
            return _short(exc)
        return f"refused: {refused}"[:480] if refused else None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def post_webhook(url: str, text: str, timeout_s: float) -> str | None:
    """POST ``{"text": ...}`` (Slack-compatible); None on a 2xx answer, else the error."""
    try:
        response = requests.post(url, json={"text": text}, timeout=timeout_s)
    except requests.RequestException as exc:
        return _short(scrub(f"{type(exc).__name__}: {exc}", url))
    if not 200 <= response.status_code < 300:
        return scrub(f"HTTP {response.status_code}: {response.text[:200]}", url)
    return None
