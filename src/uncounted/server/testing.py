"""Helpers for tests of the web app (used by tests/test_server_*.py and tests/test_security_*.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from uncounted.records.accounts import ROLES, create_user
from uncounted.server.app import create_app

BASE_URL = "http://127.0.0.1"


@dataclass
class Site:
    app: Any
    passwords: dict[str, str] = field(default_factory=dict)

    def client(self) -> TestClient:
        return TestClient(self.app, base_url=BASE_URL, follow_redirects=False)

    def login(self, username: str, password: str | None = None) -> tuple[TestClient, str]:
        """A client logged in as ``username``; returns (client, csrf token)."""
        client = self.client()
        response = client.post("/api/login", json={"username": username,
                                                    "password": password or self.passwords[username]})
        assert response.status_code == 200, response.text
        return client, response.json()["csrf_token"]


def make_site(ws: Any, key: bytes | None = None, *, users: bool = True, **app_options: Any) -> Site:
    """An app on ``ws`` with plain-http cookies and one user per role (named after the role)."""
    app = create_app(ws, secure_cookies=app_options.pop("secure_cookies", False), key=key, **app_options)
    site = Site(app)
    if users:
        for role in ROLES:
            site.passwords[role] = create_user(ws, role, role, actor="test")
    return site
