"""Hand a finished message to SMTP (STARTTLS or SSL, AUTH) or to a folder of .eml files.

Transports raise :class:`TransientMailError` (try again later: connection refused, timeouts, 4xx)
or :class:`PermanentMailError` (the server's 5xx answer: do not retry). ``send`` calls
``before_commit`` just before the point of no return (the end of DATA, or the rename of the .eml
file) so that the outbox can record that the message may now have left.
"""
from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

from diffs.errors import ConfigError, MailError

SECURITY = ("starttls", "ssl", "none")


class TransientMailError(MailError):
    """The server could not take the message now; the outbox retries with backoff.

    ``answered`` tells a server's 4xx reply (it certainly did not take the message) from a lost
    connection (after the end of DATA, it may have).
    """

    def __init__(self, message: str, answered: bool = False) -> None:
        super().__init__(message)
        self.answered = answered


class PermanentMailError(MailError):
    """The server refused the message (5xx); retrying will not help."""


@dataclass(frozen=True)
class MailSettings:
    """The ``[mail]`` table. Without ``host`` messages go to ``.eml`` files in ``outbox_dir``."""
    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    username: str | None = None
    password_env: str | None = None  # the password lives in this environment variable, never in files
    sender: str = "regwatch <regwatch@localhost>"
    outbox_dir: str = "outbox"
    cafile: str | None = None        # extra CA to trust (a private or test server's certificate)
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ConfigError(f"[mail] security must be one of {', '.join(SECURITY)}, not {self.security!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | Any | None) -> "MailSettings":
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            data = {k: v for k, v in vars(data).items() if not k.startswith("_")}
        known = set(cls.__dataclass_fields__)
        if "from" in data:
            data = {**{k: v for k, v in data.items() if k != "from"}, "sender": data["from"]}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"[mail] unknown key {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**{k: v for k, v in data.items() if v is not None})

    @property
    def default_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]

    def describe(self) -> str:
        """Where mail goes, for humans; never includes the password."""
        if not self.host:
            return f".eml files in {self.outbox_dir}"
        who = f"{self.username}@" if self.username else ""
        return f"smtp {self.security} {who}{self.host}:{self.default_port}"


class Transport(Protocol):
    def send(self, raw: bytes, sender: str, recipients: list[str],
             before_commit: Callable[[], None]) -> str: ...


def transport_for(settings: MailSettings) -> Transport:
    return SMTPTransport(settings) if settings.host else EmlFolderTransport(Path(settings.outbox_dir))


class EmlFolderTransport:
    """Writes each message to ``<folder>/<message-id>.eml``; sending again rewrites the same file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, raw: bytes) -> Path:
        match = re.search(rb"^Message-ID:\s*<([^>]+)>", raw, re.IGNORECASE | re.MULTILINE)
        if not match:
            raise PermanentMailError("message has no Message-ID")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", match.group(1).decode("ascii", "replace"))
        return self.folder / f"{name}.eml"

    def send(self, raw: bytes, sender: str, recipients: list[str], before_commit: Callable[[], None]) -> str:
        path = self.path_for(raw)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".eml.part")
            partial.write_bytes(raw)
            before_commit()
            os.replace(partial, path)  # atomic: a reader never sees half a message
        except OSError as e:
            raise TransientMailError(f"cannot write {path}: {e}") from e
        return str(path)


class SMTPTransport:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._context: ssl.SSLContext | None = None

    def _tls(self) -> ssl.SSLContext:
        # Loading the system CA store takes ~0.1 s: once per transport, not once per message.
        if self._context is None:
            self._context = ssl.create_default_context(cafile=self.settings.cafile)
        return self._context

    def _password(self) -> str | None:
        env = self.settings.password_env
        if not self.settings.username:
            return None
        if not env:
            raise PermanentMailError("[mail] username is set but password_env (the variable holding the password) is not")
        if env not in os.environ:
            raise PermanentMailError(f"[mail] password_env names {env}, which is not set in the environment")
        return os.environ[env]

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.default_port, timeout=s.timeout, context=self._tls())
        else:
            smtp = smtplib.SMTP(s.host, s.default_port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            password = self._password()
            if password is not None:
                try:
                    smtp.login(s.username, password)
                except UnicodeEncodeError:
                    # smtplib sends AUTH credentials as ASCII only; say so rather than crash.
                    raise PermanentMailError("[mail] username and password must be ASCII for SMTP AUTH") from None
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, raw: bytes, sender: str, recipients: list[str], before_commit: Callable[[], None]) -> str:
        try:
            smtp = self._connect()
        except smtplib.SMTPNotSupportedError as e:
            raise PermanentMailError(f"{self.settings.host}: {e}") from e
        except smtplib.SMTPResponseException as e:
            raise _classify(e.smtp_code, e.smtp_error) from e
        except (OSError, smtplib.SMTPException) as e:
            raise TransientMailError(f"{self.settings.host}:{self.settings.default_port}: {e}") from e
        try:
            return _transaction(smtp, raw, _envelope_address(sender), recipients, before_commit)
        except smtplib.SMTPResponseException as e:
            raise _classify(e.smtp_code, e.smtp_error) from e
        except (OSError, smtplib.SMTPException) as e:
            raise TransientMailError(f"{self.settings.host}: connection lost: {e}") from e
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def _transaction(smtp: smtplib.SMTP, raw: bytes, sender: str, recipients: list[str],
                 before_commit: Callable[[], None]) -> str:
    """MAIL, RCPT, DATA by hand (not smtplib.sendmail) to call before_commit before the final dot."""
    code, answer = smtp.mail(sender)
    if code != 250:
        raise _classify(code, answer)
    refused: dict[str, tuple[int, bytes]] = {}
    for rcpt in recipients:
        code, answer = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, answer)
    if len(refused) == len(recipients):
        smtp.rset()
        # Any temporary refusal makes the whole message worth retrying.
        code, answer = min(refused.values(), key=lambda r: r[0])
        raise _classify(code, answer)
    code, answer = smtp.docmd("DATA")
    if code != 354:
        raise _classify(code, answer)
    payload = re.sub(rb"(?m)^\.", b"..", raw)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    before_commit()
    smtp.send(payload + b".\r\n")
    code, answer = smtp.getreply()
    if code != 250:
        raise _classify(code, answer)
    result = f"{code} {answer.decode('utf-8', 'replace')}"
    if refused:
        result += "; refused " + "; ".join(f"{r}: {c} {a.decode('utf-8', 'replace')}" for r, (c, a) in refused.items())
    return result


def _classify(code: int, answer: bytes | str) -> MailError:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    error = f"{code} {text}"
    return PermanentMailError(error) if 500 <= code < 600 else TransientMailError(error, answered=True)


def _envelope_address(sender: str) -> str:
    return parseaddr(sender)[1] or sender
