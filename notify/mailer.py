"""Hand a finished message to SMTP (STARTTLS or SSL, AUTH) or to a folder of .eml files.

A transport's ``send(envelope, before_commit)`` returns an :class:`Answer` only when the server
took the message (SMTP 250 after DATA) and raises otherwise: :class:`TransportError` when the way
out is broken (connection, TLS, authentication, a password not set: not the message's fault),
:class:`TransientMailError` for a temporary refusal of this message (4xx, a connection lost during
the transaction), :class:`PermanentMailError` for the server's 5xx. ``before_commit`` is called
just before the point of no return (the end of DATA, the rename of the .eml file): from then on
the outcome is unknown until the answer comes.
"""
from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

from diffs.errors import ConfigError, MailError

SECURITY = ("starttls", "ssl", "none")


class TransientMailError(MailError):
    """The server did not take the message now (4xx, or no answer at all); the outbox retries with backoff."""


class TransportError(TransientMailError):
    """The mail system cannot be reached or will not let us in: retried with backoff, not counted
    against the message, reported as a ``delivery_error`` event and a non-zero exit of ``digest``."""


class PermanentMailError(MailError):
    """The server refused the message (5xx); retrying will not help."""


@dataclass(frozen=True)
class Envelope:
    """What a transport needs: the bytes, the envelope sender and recipients, the Message-ID."""
    raw: bytes
    sender: str
    recipients: list[str]
    message_id: str
    channel: str = ""


@dataclass
class Answer:
    """The server took the message for ``accepted``; ``refused`` (5xx, for good) and ``deferred``
    (4xx, to retry) name the recipients it would not take, with its answer."""
    text: str
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    deferred: dict[str, str] = field(default_factory=dict)


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
    def send(self, envelope: Envelope, before_commit: Callable[[], None]) -> Answer: ...


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

    def send(self, envelope: Envelope, before_commit: Callable[[], None]) -> Answer:
        path = self.path_for(envelope.raw)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".eml.part")
            partial.write_bytes(envelope.raw)
            before_commit()
            os.replace(partial, path)  # atomic: a reader never sees half a message
        except OSError as e:
            raise TransportError(f"cannot write {path}: {e}") from e
        return Answer(str(path), accepted=list(envelope.recipients))


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
            raise TransportError("[mail] username is set but password_env (the variable holding the password) is not")
        if env not in os.environ:
            raise TransportError(f"[mail] password_env names {env}, which is not set in the environment")
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
                    raise TransportError("[mail] username and password must be ASCII for SMTP AUTH") from None
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, envelope: Envelope, before_commit: Callable[[], None]) -> Answer:
        where = f"{self.settings.host}:{self.settings.default_port}"
        try:
            smtp = self._connect()
        except smtplib.SMTPResponseException as e:
            # Refused greeting, STARTTLS or AUTH (535): the way in is closed, whatever the message.
            raise TransportError(f"{where}: {e.smtp_code} {_text(e.smtp_error)}") from e
        except (OSError, smtplib.SMTPException) as e:
            raise TransportError(f"{where}: {e}") from e
        try:
            return _transaction(smtp, envelope.raw, _envelope_address(envelope.sender), envelope.recipients,
                                before_commit)
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
                 before_commit: Callable[[], None]) -> Answer:
    """MAIL, RCPT, DATA by hand (not smtplib.sendmail) to call before_commit before the final dot."""
    code, answer = smtp.mail(sender)
    if code != 250:
        raise _classify(code, answer)
    accepted: list[str] = []
    refused: dict[str, str] = {}
    deferred: dict[str, str] = {}
    for rcpt in recipients:
        code, answer = smtp.rcpt(rcpt)
        if code in (250, 251):
            accepted.append(rcpt)
        else:
            (refused if 500 <= code < 600 else deferred)[rcpt] = f"{code} {_text(answer)}"
    if not accepted:
        smtp.rset()
        if deferred:  # a temporary refusal makes the message worth retrying
            raise TransientMailError("; ".join(f"{r}: {a}" for r, a in deferred.items()))
        raise PermanentMailError("; ".join(f"{r}: {a}" for r, a in refused.items()))
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
    return Answer(f"{code} {_text(answer)}", accepted=accepted, refused=refused, deferred=deferred)


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _classify(code: int, answer: bytes | str) -> MailError:
    error = f"{code} {_text(answer)}"
    return PermanentMailError(error) if 500 <= code < 600 else TransientMailError(error)


def _envelope_address(sender: str) -> str:
    return parseaddr(sender)[1] or sender
