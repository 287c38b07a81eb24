"""Helpers for driving the dashboard over HTTP in tests (Starlette's TestClient)."""

from __future__ import annotations

import re
from typing import Any

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf(client: Any, path: str = "/login") -> str:
    """The CSRF token of the form at ``path`` (its page is fetched)."""
    found = CSRF.search(client.get(path).text)
    assert found, f"no form with a CSRF token at {path}"
    return found.group(1)


def sign_in(client: Any, email: str, password: str) -> Any:
    """Post the sign-in form; the response (a 303 to the inbox when it worked)."""
    token = csrf(client)
    return client.post(
        "/login",
        data={"csrf": token, "email": email, "password": password},
        follow_redirects=False,
    )
