"""Chat channels through Apprise: 企业微信 (wecombot://), 钉钉 (dingtalk://), 飞书 (feishu://, lark://),
generic webhooks (json://, xml://, form://), Slack, Telegram and the rest of Apprise's services.

A channel is an Apprise URL given per subscription. Secrets need not be written into regwatch.toml
(nor land in the store): ``${VAR}`` in a URL is replaced from the environment when sending, as
``[mail] password_env`` does for SMTP. A digest goes to a channel as Markdown within the service's
size limit, through the same outbox as mail (see outbox.py): at least once, and generic webhooks
carry the Message-ID in an ``X-Regwatch-Message-Id`` header so that a receiver can drop a
duplicate.
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Callable

from diffs.errors import InputError

from .digest import Digest, render_markdown
from .mailer import Answer, Envelope, TransientMailError, TransportError

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
WEBHOOK_SCHEMAS = ("json", "jsons", "xml", "xmls", "form", "forms")
MESSAGE_ID_HEADER = "X-Regwatch-Message-Id"
# Some services count their limit in bytes (企业微信: 2048 bytes of UTF-8) while Apprise states
# characters; a Chinese character is 3 bytes, so every budget is measured in bytes.
MIN_BUDGET = 200


def _schema(url: str) -> str:
    return url.partition("://")[0].lower()


def validate(url: str) -> str:
    """A channel URL Apprise can use (checked fully when it names no ``${VAR}``); InputError otherwise."""
    from apprise.manager_plugins import NotificationManager

    url = str(url).strip()
    if "://" not in url or _schema(url) not in NotificationManager().schemas():
        raise InputError(f"not a channel URL Apprise knows: {describe(url)!r} (e.g. wecombot://KEY, "
                         "dingtalk://TOKEN, feishu://TOKEN, json://host/path, slack://…, tgram://…)")
    if not VARIABLE.search(url) and _plugin(url) is None:
        raise InputError(f"channel URL {describe(url)!r} is not valid for its service")
    return url


def expand(url: str) -> str:
    """The URL with ``${VAR}`` taken from the environment; a missing variable is a broken transport."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise TransportError(f"channel {describe(url)}: environment variable {name} is not set")
        return os.environ[name]
    return VARIABLE.sub(value, url)


def describe(url: str) -> str:
    """The URL for listings and logs: Apprise's privacy form hides tokens; ${VAR} names are no secret."""
    if VARIABLE.search(url) or "://" not in url:
        return url
    plugin = _plugin(url)
    return plugin.url(privacy=True).partition("?")[0] if plugin is not None else f"{_schema(url)}://…"


def _plugin(url: str) -> Any:
    import apprise

    return apprise.Apprise.instantiate(url, suppress_exceptions=True) or None


def _service(url: str) -> Any:
    """The Apprise plugin for the URL (its class when a ${VAR} of it is not set here)."""
    if all(v in os.environ for v in VARIABLE.findall(url)):
        plugin = _plugin(expand(url))
        if plugin is not None:
            return plugin
    from apprise.manager_plugins import NotificationManager

    return NotificationManager()[_schema(url)]


def budget(url: str) -> int:
    """The largest message body in bytes the channel's service takes."""
    return max(int(_service(url).body_maxlen), MIN_BUDGET)


def plain_only(url: str) -> bool:
    """Whether the service shows text only (企业微信 bot text messages): then no Markdown syntax is sent."""
    import apprise

    formats = _service(url).notify_format
    formats = formats if isinstance(formats, tuple) else (formats,)
    return not {apprise.NotifyFormat.MARKDOWN, apprise.NotifyFormat.HTML} & set(formats)


_LINK = re.compile(r"\[([^\]\\]*)\]\(([^()\s]*)\)")
_ESCAPED = re.compile(r"\\(.)")


def as_plain(markdown: str) -> str:
    """Markdown as render_markdown writes it, read as plain text: no ** markers, links as "label url",
    escaped characters as themselves. Never longer than the Markdown."""
    text = _LINK.sub(r"\1 \2", markdown.replace("**", ""))
    return _ESCAPED.sub(r"\1", text)


def message_for(digest: Digest, url: str, render: Callable[[Digest, int], str] = render_markdown) -> str:
    """What the channel gets: the Markdown (plain text for a text-only service) within its limit."""
    plain = plain_only(url)
    return fit(digest, budget(url), (lambda d, n: as_plain(render(d, n))) if plain else render)


def fit(digest: Digest, budget_bytes: int, render: Callable[[Digest, int], str] = render_markdown) -> str:
    """The rendering whose UTF-8 size is within ``budget_bytes``: ask for fewer characters until it fits."""
    limit = budget_bytes
    for _ in range(8):  # each pass scales the limit by the measured ratio, so it converges in two or three
        text = render(digest, limit)
        size = len(text.encode("utf-8"))
        if size <= budget_bytes:
            return text
        limit = max(1, limit * budget_bytes // size - 1)
    return text.encode("utf-8")[:budget_bytes].decode("utf-8", "ignore")


class ChannelTransport:
    """Posts an outbox row's Markdown to its channel through Apprise."""

    def send(self, envelope: Envelope, before_commit: Callable[[], None]) -> Answer:
        import apprise

        url = expand(envelope.channel)
        if _schema(url) in WEBHOOK_SCHEMAS:
            # Apprise turns +Name=value query arguments of its webhook URLs into request headers.
            mark = "&" if "?" in url else "?"
            url += f"{mark}+{MESSAGE_ID_HEADER}={envelope.message_id.strip('<>').replace('@', '%40')}"
        plugin = _plugin(url)
        if plugin is None:
            raise TransportError(f"channel {describe(envelope.channel)}: not a valid Apprise URL")
        form = apprise.NotifyFormat.TEXT if plain_only(envelope.channel) else apprise.NotifyFormat.MARKDOWN
        with apprise.LogCapture(level=logging.WARNING) as log:
            before_commit()
            ok = plugin.notify(body=envelope.raw.decode("utf-8"), title="", body_format=form)
        if ok:
            return Answer("posted", accepted=list(envelope.recipients))
        reason = " ".join(log.getvalue().split(" - ", 2)[-1].split()) or "the service did not accept the message"
        error = f"channel {describe(envelope.channel)}: {reason}"
        if "connection error" in reason.lower():
            raise TransportError(error)
        raise TransientMailError(error)
