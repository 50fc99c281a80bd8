"""The review web UI (Flask, server-rendered): ``create_app(store)``; ``serve(store, host, port)``."""
from .app import ReviewConfig, create_app
from .serving import serve

__all__ = ["ReviewConfig", "create_app", "serve"]
