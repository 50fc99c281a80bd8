"""``regwatch serve``: the review web UI over the configured store."""
from __future__ import annotations

import os

import click

from diffs.errors import ConfigError


def _token(env_name: str | None) -> str | None:
    if not env_name:
        return None
    token = os.environ.get(env_name)
    if not token:
        raise ConfigError(f"environment variable {env_name} (the review access token) is not set or empty")
    return token


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs an access token.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--config", "config_path", default="regwatch.toml", show_default=True,
              type=click.Path(dir_okay=False), help="regwatch.toml naming the store.")
@click.option("--store", "store_path", type=click.Path(dir_okay=False),
              help="Serve this store file instead of the config's.")
@click.option("--token-env", help="Environment variable holding the access token (overrides [review] token_env).")
def serve(host: str, port: int, config_path: str, store_path: str | None, token_env: str | None) -> None:
    """Serve the review web UI."""
    from review import ReviewConfig
    from review import serve as serve_review

    settings = ReviewConfig()
    if os.path.exists(config_path):
        from monitor.config import load
        config = load(config_path, check_sources=False)   # the UI never fetches
        store_path = store_path or config.store
        # [review] token_env: asked of the config module (Config.review_token_env); absent until it lands.
        token_env = token_env or getattr(config, "review_token_env", None)
        settings.expiring_days = config.expiring_days
    elif store_path is None:
        raise ConfigError(f"{config_path} not found: give --config FILE or --store FILE")
    settings.token = _token(token_env)
    serve_review(store_path, host=host, port=port, config=settings,
                 ready=lambda url: click.echo(f"regwatch review UI: {url}  (Ctrl-C to stop)"))
