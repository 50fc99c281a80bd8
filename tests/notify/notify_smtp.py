"""A real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS (or implicit TLS) and AUTH.

The server's certificate is self-signed, generated here; clients trust it through ``cafile`` so
that TLS is verified for real. Handlers can reject (550), defer (451) a message or one recipient,
or stall at RCPT or DATA so the tests can kill a sending process at a chosen moment.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD, PASSWORD_ENV = "digest-bot", "s3cret-pass", "REGWATCH_TEST_SMTP_PASSWORD"


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=default)


@dataclass
class Handler:
    """What the server does with a message: keep it, refuse it, or stall before answering."""
    received: list[Received] = field(default_factory=list)
    reject: str | None = None          # e.g. "550 5.7.1 ..." answered to DATA
    rcpt_answers: dict[str, str] = field(default_factory=dict)  # address -> e.g. "550 5.1.1 no such user"
    stall_at: str | None = None        # "RCPT" or "DATA": hang (once) before answering
    keep_unanswered: bool = True       # a message whose client left before the answer: kept, or discarded
    hang_up_after_data: bool = False   # keep the message, then close the connection without answering
    stalled: threading.Event = field(default_factory=threading.Event)
    logins: list[str] = field(default_factory=list)

    async def _stall(self, server, where: str) -> bool:
        """Hang before answering (once) until the client goes away; False when it did."""
        if self.stall_at != where or self.stalled.is_set():
            return True
        self.stalled.set()
        for _ in range(3000):  # 30 s at most: far longer than a test needs to kill the client
            if server.transport is None or server.transport.is_closing():
                return False
            await asyncio.sleep(0.01)
        return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._stall(server, "RCPT")
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return self.reject
        got = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        if self.keep_unanswered:
            self.received.append(got)
        if self.hang_up_after_data:
            server.transport.close()
        if await self._stall(server, "DATA") and not self.keep_unanswered:
            self.received.append(got)  # as RFC 5321 has it: the message is the server's once it answered
        return "250 2.0.0 queued"


def _authenticator(handler: Handler):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == PASSWORD
        if ok:
            handler.logins.append(USER)
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself
    return check


class SMTPServer:
    """aiosmtpd in a thread: STARTTLS required (or implicit TLS with ``implicit_tls``), AUTH required."""

    def __init__(self, tls_files: tuple[Path, Path], port: int | None = None, implicit_tls: bool = False) -> None:
        self.handler = Handler()
        self.port = port or free_port()
        self.cafile = str(tls_files[0])
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, tls_files))
        self.implicit_tls = implicit_tls
        # aiosmtpd only counts STARTTLS as TLS for AUTH, so with implicit TLS the (already encrypted)
        # session must not demand it again.
        tls = ({"ssl_context": context, "auth_require_tls": False} if implicit_tls
               else {"tls_context": context, "require_starttls": True, "auth_require_tls": True})
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, auth_required=True,
                                     authenticator=_authenticator(self.handler), **tls)

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def mail_settings(self, outbox_dir: Path | str = "unused", **overrides):
        from notify.mailer import MailSettings

        values = dict(host="127.0.0.1", port=self.port, security="ssl" if self.implicit_tls else "starttls",
                      username=USER, password_env=PASSWORD_ENV, sender="regwatch 法规监测 <alerts@regwatch.test>",
                      cafile=self.cafile, timeout=10.0, outbox_dir=str(outbox_dir))
        values.update(overrides)
        return MailSettings(**values)

