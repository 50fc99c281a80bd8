"""``regwatch subscribe/subscriptions/unsubscribe/digest/outbox``: thin wrappers over ``notify.api``."""
from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, Iterator

import click

from notify.subscriptions import EVENT_KINDS, FREQUENCIES

config_option = click.option("--config", "config_path", default="regwatch.toml", show_default=True,
                             type=click.Path(dir_okay=False), help="regwatch.toml naming the store and [mail].")


@dataclasses.dataclass
class Context:
    store: Any
    mail: Any
    review_url: str | None


@contextlib.contextmanager
def opened(config_path: str) -> Iterator[Context]:
    from monitor.config import load
    from notify import api
    from snapshots import Store

    config = load(config_path, check_sources=False)   # notify commands never fetch
    store = Store(config.store)
    try:
        # Subscriptions of regwatch.toml are brought into the store whenever a notify command runs.
        yield Context(store, api.prepare(store, config), config.review_url)
    finally:
        store.close()


@click.command()
@click.argument("emails", nargs=-1, required=True)
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
@click.option("--frequency", type=click.Choice(FREQUENCIES), default="immediate", show_default=True)
@click.option("--hour", type=click.IntRange(0, 23), default=8, show_default=True,
              help="Hour (Beijing time) of daily and weekly (Monday) digests.")
@click.option("--heartbeat", is_flag=True, help="Send a digest even when nothing happened.")
@config_option
def subscribe(emails: tuple[str, ...], config_path: str, **options: Any) -> None:
    """Add a subscription for EMAIL (one or more addresses)."""
    from notify import api

    with opened(config_path) as ctx:
        sub = api.subscribe(ctx.store, list(emails), **options)
    click.echo(f"subscription {sub.id}: {', '.join(sub.emails)} — {sub.describe()}")


@click.command()
@config_option
def subscriptions(config_path: str) -> None:
    """List subscriptions (those of regwatch.toml are named config:…)."""
    from notify import api

    with opened(config_path) as ctx:
        subs = api.subscriptions(ctx.store)
    if not subs:
        click.echo("no subscriptions")
    for sub in subs:
        click.echo(f"{sub.id:>4}  {sub.name or '-':<20}  {', '.join(sub.emails)}  {sub.describe()}")


@click.command()
@click.argument("id_or_email")
@config_option
def unsubscribe(id_or_email: str, config_path: str) -> None:
    """Remove subscription ID, or EMAIL from every subscription."""
    from notify import api

    with opened(config_path) as ctx:
        changed = api.unsubscribe(ctx.store, id_or_email)
    for sub in changed:
        click.echo(f"unsubscribed {id_or_email} from subscription {sub.id}")


@click.command()
@click.option("--dry-run", is_flag=True, help="Compose and print, store and send nothing.")
@click.option("--subscriber", help="Only the subscriptions of this address.")
@click.option("--due", is_flag=True, help="Respect daily/weekly schedules (as the scheduler does).")
@config_option
def digest(dry_run: bool, subscriber: str | None, due: bool, config_path: str) -> None:
    """Compose digests from new events and send them now (or print them with --dry-run)."""
    from notify import api

    with opened(config_path) as ctx:
        run = api.digest(ctx.store, ctx.mail, review_url=ctx.review_url, subscriber=subscriber,
                         dry_run=dry_run, only_due=due)
    for d in run.digests:
        click.echo(f"→ {', '.join(d.subscription.emails)}: {d.message['Subject']} ({len(d.event_ids)} events)")
        if dry_run:
            click.echo(d.message.get_body(("plain",)).get_content())
    if not run.digests:
        click.echo("no new events for any subscription")
    if run.delivery is not None:
        r = run.delivery
        click.echo(f"sent {len(r.sent)}, retrying {len(r.retrying)}, failed {len(r.failed)} via {ctx.mail.describe()}")


@click.command()
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]), help="Only this status.")
@click.option("--retry", "retry_id", type=int, help="Send this failed message again, then list.")
@config_option
def outbox(status: str | None, retry_id: int | None, config_path: str) -> None:
    """Show pending, sent and failed messages."""
    from notify import api

    with opened(config_path) as ctx:
        if retry_id is not None:
            report = api.retry(ctx.store, retry_id, ctx.mail)
            click.echo(f"message {retry_id}: " + ("sent" if retry_id in report.sent else
                                                  "failed again" if retry_id in report.failed else "will be retried"))
        entries = api.outbox(ctx.store, status)
    if not entries:
        click.echo("outbox is empty" if status is None else f"no {status} messages")
    for e in entries:
        when = e.sent_at or e.next_attempt_at or e.created_at
        click.echo(f"{e.id:>4}  {e.status:<8} {e.attempts}×  {when}  {', '.join(e.recipients)}  {e.subject}")
        if e.last_error:
            click.echo(f"      {e.last_error}")
