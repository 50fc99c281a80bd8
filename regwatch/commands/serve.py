"""``regwatch serve``: the review web UI over the configured store."""
from __future__ import annotations

import click

from regwatch.commands.options import config_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs an access token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@config_option
@click.option("--store", "store_path", type=click.Path(dir_okay=False),
              help="Serve this store file instead of the config's.")
@click.option("--token-env", help="Environment variable holding the access token (overrides [review] token_env).")
def serve(host: str, port: int, config_path: str | None, store_path: str | None, token_env: str | None) -> None:
    """Serve the review web UI."""
    from regwatch import api

    api.serve(config_path, store_path, host=host, port=port, token_env=token_env,
              ready=lambda url: click.echo(f"regwatch review UI: {url}  (Ctrl-C to stop)"))
