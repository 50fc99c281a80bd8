"""``regwatch mirror``: serve the bundled offline mirror of the gazette sites in the foreground."""
from __future__ import annotations

import click

from regwatch.configs import source_block


def describe(server) -> str:
    lines = [f"regwatch mirror: state {server.state} of 0..{server.max_state}"]
    lines += [f"  {host:26} {url}" for host, url in server.urls.items()]
    first = next(iter(server.urls.values()))
    lines += ["", f"advance: curl -X POST {first}/__mirror__/advance   (or POST /__mirror__/state?n=N)",
              "stop: Ctrl-C", "", "# paste into regwatch.toml:", source_block(server.urls)]
    return "\n".join(lines)


@click.command()
@click.option("--port", type=click.IntRange(0, 65533), default=0, show_default=True,
              help="First port (hosts take PORT, PORT+1, PORT+2); 0 picks free ports.")
@click.option("--state", type=int, default=0, show_default=True, help="The state to start in (0 to 3).")
def mirror(port: int, state: int) -> None:
    """Serve the offline mirror of the gazette sites on 127.0.0.1."""
    from regwatch import api

    try:
        api.mirror(state=state, port=port, on_ready=lambda server: click.echo(describe(server)))
    except KeyboardInterrupt:
        click.echo("mirror stopped", err=True)
