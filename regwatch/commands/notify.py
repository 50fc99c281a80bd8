"""``regwatch subscribe/subscriptions/unsubscribe/digest/outbox``: thin wrappers over ``regwatch.api``."""
from __future__ import annotations

from typing import Any

import click

from snapshots.events import EVENT_KINDS, FREQUENCIES
from regwatch.commands.options import config_option, echo_json, format_option


@click.command()
@click.argument("emails", nargs=-1)
@click.option("--channel", "channels", multiple=True, metavar="URL",
              help="Also post digests to this Apprise URL: wecombot://KEY, dingtalk://TOKEN, feishu://TOKEN, "
                   "json://host/path, slack://…, tgram://… (repeatable; ${VAR} is read from the environment).")
@click.option("--name", help="A name to recognise the subscription by.")
@click.option("--source", "sources", multiple=True, help="Only events of this source (repeatable).")
@click.option("--section", "sections", multiple=True, help="Only documents of this gazette section.")
@click.option("--issuer", "issuers", multiple=True, help="Only documents of this issuing body (contained name).")
@click.option("--type", "doc_types", multiple=True, help="Only this document type: 规章, 规范性文件, 政策解读…")
@click.option("--keyword", "keywords", multiple=True, help="Only documents whose title or text contains it.")
@click.option("--rule", "rules", multiple=True, help="Follow this rule (name, number or id) and the decisions touching it.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(EVENT_KINDS),
              help="Only these event kinds (source_error only when named).")
@click.option("--since", help="Ignore events recorded before this ISO date.")
@click.option("--frequency", type=click.Choice(FREQUENCIES), default="immediate", show_default=True,
              help="Send each event at once, or a daily or weekly digest.")
@click.option("--hour", type=click.IntRange(0, 23), default=8, show_default=True,
              help="Hour (Beijing time) of daily and weekly (Monday) digests.")
@click.option("--heartbeat", is_flag=True, help="Send a digest even when nothing happened.")
@config_option
def subscribe(emails: tuple[str, ...], config_path: str | None, **options: Any) -> None:
    """Add a subscription: EMAIL addresses and/or --channel URLs."""
    from regwatch import api

    with api.opened(config_path, create=True) as (config, store):
        sub = api.subscribe(config, store, list(emails), **options)
    click.echo(f"subscription {sub.id}: {', '.join(sub.emails) or '-'} — {sub.describe()}")


@click.command()
@config_option
@format_option("text", "json")
def subscriptions(config_path: str | None, fmt: str) -> None:
    """List subscriptions (regwatch.toml's are named config:…)."""
    from regwatch import api

    with api.opened(config_path) as (config, store):
        subs = api.subscriptions(config, store)
    if fmt == "json":
        echo_json(subs)
        return
    if not subs:
        click.echo("no subscriptions")
    for sub in subs:
        click.echo(f"{sub.id:>4}  {sub.name or '-':<20}  {', '.join(sub.emails) or '-'}  {sub.describe()}")


@click.command()
@click.argument("id_or_email")
@config_option
def unsubscribe(id_or_email: str, config_path: str | None) -> None:
    """Remove subscription ID, or EMAIL from every subscription."""
    from regwatch import api

    with api.opened(config_path) as (config, store):
        changed = api.unsubscribe(config, store, id_or_email)
    for sub in changed:
        click.echo(f"unsubscribed {id_or_email} from subscription {sub.id}")


@click.command()
@click.option("--dry-run", is_flag=True, help="Compose and print, store and send nothing.")
@click.option("--subscriber", help="Only the subscriptions of this address.")
@click.option("--due", is_flag=True, help="Respect daily/weekly schedules (as the scheduler does).")
@config_option
def digest(dry_run: bool, subscriber: str | None, due: bool, config_path: str | None) -> None:
    """Compose digests of new events and send them (or --dry-run).

    Exits non-zero when a message could not be delivered (it stays in the outbox and is retried)."""
    from regwatch import api

    with api.opened(config_path) as (config, store):
        # Run by hand, it also retries now what waits after a failure (the operator may have fixed it).
        run = api.digest(config, store, dry_run=dry_run, subscriber=subscriber, due=due, ignore_backoff=not due)
        mail = api.mail_settings(config)
    for d in run.digests:
        click.echo(f"→ {d.target}: {d.subject} ({len(d.event_ids)} events)")
        if dry_run:
            click.echo(d.message.get_body(("plain",)).get_content() if d.message is not None else d.text)
    if not run.digests:
        click.echo("no new events for any subscription")
    if run.delivery is not None:
        _report(run.delivery, mail)


def _report(r: Any, mail: Any) -> None:
    click.echo(f"sent {len(r.sent)}, retrying {len(r.retrying)}, failed {len(r.failed)} via {mail.describe()}"
               + (f"; {len(r.held)} held" if r.held else ""))
    if not r.ok:
        problems = [f"{'mail' if not channel else channel_name(channel)}: {error}" for channel, error in r.errors.items()]
        if r.failed:
            problems.append(f"{len(r.failed)} message(s) failed for good (regwatch outbox --status failed)")
        held = f"; {len(r.held)} message(s) kept in the outbox, retried later" if r.held else ""
        from diffs.errors import MailError

        raise MailError("not delivered: " + "; ".join(problems) + held)


def channel_name(url: str) -> str:
    from notify.channels import describe

    return describe(url)


@click.command()
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]), help="Only this status.")
@click.option("--retry", "retry_id", type=click.IntRange(1, 2**63 - 1), help="Send this failed message again, then list.")
@format_option("text", "json")
@config_option
def outbox(status: str | None, retry_id: int | None, fmt: str, config_path: str | None) -> None:
    """Show pending, sent and failed messages."""
    from regwatch import api

    with api.opened(config_path) as (config, store):
        report, entries = api.outbox(config, store, status, retry=retry_id)
    if report is not None:
        outcome = "sent" if retry_id in report.sent else "failed again" if retry_id in report.failed else "will be retried"
        click.echo(f"message {retry_id}: {outcome}", err=fmt == "json")
    if fmt == "json":
        echo_json(entries)
        return
    if not entries:
        click.echo("outbox is empty" if status is None else f"no {status} messages")
    for e in entries:
        when = e.sent_at or e.next_attempt_at or e.created_at
        to = channel_name(e.channel) if e.channel else ", ".join(e.recipients)
        click.echo(f"{e.id:>4}  {e.status:<8} {e.attempts}×  {when}  {to}  {e.subject}")
        if e.last_error:
            click.echo(f"      {e.last_error}")
