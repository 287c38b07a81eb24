"""Passwords in the dashboard: changing your own, and reset links an admin makes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.adapters.dashboard import build_dashboard
from bot.engine import Engine
from bot.storage.accounts import AccountStore
from bot.storage.models import AuditEntry, PasswordReset
from bot.storage.passwords import RESET_LIFETIME, Passwords
from bot.testing.clock import FakeClock
from bot.testing.dashboard import csrf, sign_in
from bot.testing.keys import fixed_cipher

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OLD, NEW = "correct horse battery", "a brand new passphrase"
WORKER, ADMIN, OTHER = "w@carers.example.org", "a@carers.example.org", "y@young.example.org"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def app(engine: Engine, db: SAEngine, clock: FakeClock) -> Iterator[tuple[TestClient, SAEngine]]:
    accounts = AccountStore(db)
    for email, name, org, role in [
        (WORKER, "Wendy Worker", "llr_carers_support", "worker"),
        (ADMIN, "Olive Admin", "llr_carers_support", "org_admin"),
        (OTHER, "Yusuf Young", "llr_young_carers", "worker"),
    ]:
        accounts.add(email, name, organisation=org, role=role, password=OLD, at=T0)
    dash = build_dashboard(engine, db, fixed_cipher(), "pw-secret", clock=clock, https_only=False)
    with TestClient(dash, base_url="http://testserver") as client:
        yield client, db


def change(client: TestClient, current: str, new: str, repeat: str | None = None) -> object:
    token = csrf(client, "/account")
    return client.post(
        "/account/password",
        data={"csrf": token, "current": current, "new": new, "repeat": repeat or new},
        follow_redirects=False,
    )


def test_changing_your_password_ends_your_other_sessions(
    app: tuple[TestClient, SAEngine], clock: FakeClock
) -> None:
    client, db = app
    with TestClient(client.app, base_url="http://testserver") as laptop:
        assert sign_in(client, WORKER, OLD).status_code == 303
        assert sign_in(laptop, WORKER, OLD).status_code == 303
        clock.now += timedelta(seconds=5)
        answer = change(client, OLD, NEW)
        assert answer.headers["location"] == "/account?saved=1"  # type: ignore[attr-defined]
        page = client.get("/account?saved=1")
        assert "Your password has changed" in page.text  # this session goes on
        assert laptop.get("/referrals", follow_redirects=False).status_code == 303  # not this
    client.post("/logout", data={"csrf": csrf(client, "/account")})
    assert sign_in(client, WORKER, OLD).status_code == 401
    assert sign_in(client, WORKER, NEW).status_code == 303
    with db.connect() as conn:
        actions = conn.execute(select(AuditEntry.c.action)).scalars().all()
    assert "changed password" in actions


@pytest.mark.parametrize(
    ("current", "new", "repeat", "says"),
    [
        ("not my password", NEW, NEW, "current password is not right"),
        (OLD, "short", "short", "at least 12 characters"),
        (OLD, NEW, NEW + "!", "not the same"),
        (OLD, "x" * 1025, "x" * 1025, "at most 1024"),
    ],
)
def test_a_password_change_that_cannot_be_made_says_why_and_changes_nothing(
    app: tuple[TestClient, SAEngine], current: str, new: str, repeat: str, says: str
) -> None:
    client, _ = app
    sign_in(client, WORKER, OLD)
    answer = change(client, current, new, repeat)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert says in answer.text  # type: ignore[attr-defined]
    client.post("/logout", data={"csrf": csrf(client, "/account")})
    assert sign_in(client, WORKER, OLD).status_code == 303


def make_link(client: TestClient, user_id: int) -> str:
    token = csrf(client, "/users")
    page = client.post(f"/users/{user_id}/reset", data={"csrf": token})
    assert page.status_code == 200, page.text
    found = re.search(r'value="(http://testserver/reset/[^"]+)"', page.text)
    assert found
    return found.group(1).removeprefix("http://testserver")


def reset(client: TestClient, path: str, new: str = NEW) -> object:
    token = csrf(client, path)
    data = {"csrf": token, "new": new, "repeat": new}
    return client.post(path, data=data, follow_redirects=False)


def worker_id(db: SAEngine, email: str) -> int:
    people = AccountStore(db).people(None)
    return next(a.id for a, _ in people if a.email == email)


def test_an_admin_makes_a_reset_link_that_works_once(
    app: tuple[TestClient, SAEngine],
) -> None:
    client, db = app
    sign_in(client, ADMIN, OLD)
    link = make_link(client, worker_id(db, WORKER))
    client.post("/logout", data={"csrf": csrf(client, "/users")})
    assert "Choose a new password" in client.get(link).text
    assert "Wendy Worker" in client.get(link).text
    done = reset(client, link)
    assert done.headers["location"] == "/login?reset=1"  # type: ignore[attr-defined]
    assert "Your new password is set" in client.get("/login?reset=1").text
    assert sign_in(client, WORKER, NEW).status_code == 303
    client.post("/logout", data={"csrf": csrf(client, "/account")})
    used = client.get(link)
    assert used.status_code == 404 and "no longer works" in used.text
    with db.connect() as conn:
        stored = conn.execute(select(PasswordReset.c.token_hash)).scalars().all()
    assert link.rsplit("/", 1)[1] not in stored  # only a hash is kept


def test_a_reset_link_expires_and_a_newer_one_replaces_it(
    app: tuple[TestClient, SAEngine], clock: FakeClock
) -> None:
    client, db = app
    sign_in(client, ADMIN, OLD)
    first = make_link(client, worker_id(db, WORKER))
    second = make_link(client, worker_id(db, WORKER))
    assert client.get(first).status_code == 404  # replaced
    assert client.get(second).status_code == 200
    clock.now += RESET_LIFETIME + timedelta(seconds=1)
    assert client.get(second).status_code == 404  # too old
    assert Passwords(db).purge(clock()) == 1


def test_admins_make_links_only_for_their_own_organisation(
    app: tuple[TestClient, SAEngine],
) -> None:
    client, db = app
    sign_in(client, ADMIN, OLD)
    token = csrf(client, "/users")
    other = client.post(f"/users/{worker_id(db, OTHER)}/reset", data={"csrf": token})
    assert other.status_code == 404
    assert client.post("/users/999999/reset", data={"csrf": token}).status_code == 404
    client.post("/logout", data={"csrf": token})
    sign_in(client, WORKER, OLD)
    refused = client.post(f"/users/{worker_id(db, ADMIN)}/reset", data={"csrf": token})
    assert refused.status_code == 403


def test_a_disabled_account_cannot_use_its_link(app: tuple[TestClient, SAEngine]) -> None:
    client, db = app
    token = Passwords(db).make_reset(worker_id(db, WORKER), None, T0)
    assert token is not None
    AccountStore(db).set_disabled(worker_id(db, WORKER), True, None)
    assert client.get(f"/reset/{token}").status_code == 404
    assert Passwords(db).reset(token, NEW, T0) is None


def test_a_forged_reset_form_is_refused(app: tuple[TestClient, SAEngine]) -> None:
    client, db = app
    token = Passwords(db).make_reset(worker_id(db, WORKER), None, T0)
    answer = client.post(f"/reset/{token}", data={"new": NEW, "repeat": NEW})
    assert answer.status_code == 403
    assert sign_in(client, WORKER, OLD).status_code == 303
