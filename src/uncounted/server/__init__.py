"""The web app and JSON API: ``create_app(ws)`` and ``serve(ws, host, port)``.

Accounts are managed with :func:`create_user` (also ``uncounted user add``).
"""

from __future__ import annotations

from uncounted.records.accounts import create_user
from uncounted.server.app import create_app, serve

__all__ = ["create_app", "create_user", "serve"]
