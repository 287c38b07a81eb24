"""The delivery worker against real receivers: an SMTP server and an HTTP webhook server."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine as SAEngine
from sqlalchemy import select

from bot.config import Secret
from bot.engine.events import ReferralRequested
from bot.engine.organisations import Delivery, Organisation
from bot.referrals.senders import EmailSender, Smtp, WebhookSender, details
from bot.referrals.signing import signature, verify
from bot.referrals.worker import Backoff, Worker
from bot.storage.models import Delivery as DeliveryRow
from bot.storage.models import DeliveryAttempt, Referral
from bot.storage.outbox import Outbox
from bot.storage.referrals import Person, ReferralStore
from bot.testing.clock import FakeClock
from bot.testing.keys import fixed_cipher
from bot.testing.receiver import WebhookReceiver
from bot.testing.smtp import SmtpServer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET_NAME = "CARERCHECK_WEBHOOK_SECRET_TEST"
SECRET = "whsec-test-0123456789"
NAME, PHONE = "Zebedee Quill", "+441164960999"


def organisation(*ways: Delivery, email_details: bool = False) -> Organisation:
    return Organisation("test_org", "Test carers' service", ("le",), ("age_26_64",),
                        ("adult_carer",), "We aim to call within a week.", "2026-11-22",
                        ways, True, email_details)  # fmt: skip


def record(reference: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "organisation": "test_org",
        "consent": {"version": "2026-11-22", "given_at": T0.isoformat()},
        "person": {"name": NAME, "phone": PHONE, "age_band": "age_26_64", "under_16": False},
        "screening": {"outcome": "carer", "answers": [{"question": "How old are you?",
                                                       "answer": "26 to 64"}]},
        "details_en": [f"Name: {NAME}", "Phone: 0116 496 0999"],
    }  # fmt: skip


def make_referrals(db: SAEngine, org: Organisation, n: int) -> ReferralStore:
    store = ReferralStore(db, fixed_cipher(), {org.id: org})
    with db.begin() as conn:
        for i in range(n):
            ref = f"CC-TEST-{i + 1:04d}"
            event = ReferralRequested(ref, org.id, record(ref), T0)
            store.create(conn, event, Person("telegram", str(i), "en", False), T0)
    return store


def worker(db: SAEngine, senders: dict[str, Any], clock: FakeClock, **kw: Any) -> Worker:
    backoff = kw.pop("backoff", Backoff(30, 3600, 15))
    return Worker(Outbox(db, fixed_cipher()), senders, clock, backoff=backoff, **kw)


def webhook(url: str) -> Delivery:
    return Delivery("webhook", url, SECRET_NAME)


def counted(result: str) -> float:
    """The carercheck_delivery_attempts counter for webhooks ending in ``result``."""
    labels = {"method": "webhook", "result": result}
    return REGISTRY.get_sample_value("carercheck_delivery_attempts_total", labels) or 0.0


def test_signatures_verify_and_refuse_tampering_and_replay() -> None:
    body = b'{"reference": "CC-TEST-0001"}'
    header = signature(SECRET, body, 1_700_000_000)
    assert verify(SECRET, body, header, 1_700_000_100)
    assert not verify(SECRET, body + b" ", header, 1_700_000_100)
    assert not verify("another secret", body, header, 1_700_000_100)
    assert not verify(SECRET, body, header, 1_700_000_000 + 301)  # too old: a replay
    assert not verify(SECRET, body, "t=abc,v1=00", 1_700_000_000)


def test_backoff_grows_to_its_cap_with_jitter_and_then_gives_up() -> None:
    backoff = Backoff(30, 3600, 5)
    for failures, full in [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)]:
        waits = [backoff.delay(failures) for _ in range(200)]
        assert full / 2 <= min(waits) and max(waits) <= full
        assert len(set(waits)) > 100  # jittered, not all the same
    assert backoff.retry_at(T0, 4) is not None
    assert backoff.retry_at(T0, 5) is None


async def test_email_carries_only_a_link_unless_the_organisation_opts_in(db: SAEngine) -> None:
    clock = FakeClock(T0)
    with SmtpServer() as smtp:
        for opted_in in (False, True):
            org = organisation(Delivery("email", "referrals@carers.example.org"),
                               email_details=opted_in)  # fmt: skip
            make_referrals(db, org, 1) if not opted_in else None
            if opted_in:
                with db.begin() as conn:
                    conn.execute(DeliveryRow.update().values(status="pending"))
            sender = EmailSender(Smtp("127.0.0.1", smtp.port, starttls=False),
                                 "https://inbox.example.org", {org.id: org})  # fmt: skip
            assert await worker(db, {"email": sender}, clock).run_once() == 1
        plain, detailed = (m.get_payload() for m in smtp.messages)
        assert smtp.messages[0]["Subject"] == "New referral CC-TEST-0001"
        assert "https://inbox.example.org/referrals/CC-TEST-0001" in str(plain)
        assert NAME not in str(plain) and "0116" not in str(plain)
        assert NAME in str(detailed)
        assert smtp.messages[0]["Message-ID"] == smtp.messages[1]["Message-ID"]


async def test_an_unreachable_smtp_server_is_retried_later(db: SAEngine) -> None:
    org = organisation(Delivery("email", "referrals@carers.example.org"))
    make_referrals(db, org, 1)
    with SmtpServer() as smtp:
        port = smtp.port
    sender = EmailSender(Smtp("127.0.0.1", port, starttls=False, timeout=2), "https://x", {})
    clock = FakeClock(T0)
    assert await worker(db, {"email": sender}, clock).run_once() == 1
    with db.connect() as conn:
        row = conn.execute(select(DeliveryRow)).one()
        attempt = conn.execute(select(DeliveryAttempt)).one()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at.replace(tzinfo=UTC) > T0  # SQLite gives it back without a zone
    assert attempt.ok is False and attempt.detail.startswith("smtp: ")


async def test_a_webhook_failing_at_first_gets_the_referral_exactly_once(db: SAEngine) -> None:
    clock = FakeClock(T0)
    with WebhookReceiver(SECRET, clock=clock, fail_first=3) as receiver:
        make_referrals(db, organisation(webhook(receiver.url)), 1)
        sender = WebhookSender({SECRET_NAME: Secret(SECRET)})
        w = worker(db, {"webhook": sender}, clock)
        failed, delivered = counted("failed"), counted("delivered")
        for _ in range(10):
            await w.run_once()
            clock.now += timedelta(hours=1)
        await sender.close()
    assert receiver.calls == 4 and receiver.failed == 3
    assert (counted("failed"), counted("delivered")) == (failed + 3, delivered + 1)
    assert list(receiver.received) == ["CC-TEST-0001.referral"]
    body = receiver.received["CC-TEST-0001.referral"]
    assert body["event"] == "referral.created"
    assert body["referral"]["person"]["name"] == NAME
    assert set(receiver.keys_seen) == {"CC-TEST-0001.referral"}  # the same key on every retry
    with db.connect() as conn:
        attempts = conn.execute(select(DeliveryAttempt.c.ok)).scalars().all()
        delivered = conn.execute(select(Referral.c.delivered_at)).scalar_one()
    assert attempts == [False, False, False, True]
    assert delivered is not None


async def test_a_receiver_down_for_an_hour_still_gets_every_referral_once(db: SAEngine) -> None:
    clock = FakeClock(T0)
    back_at = T0 + timedelta(hours=1)
    with WebhookReceiver(SECRET, clock=clock, down=lambda: clock.now < back_at) as receiver:
        make_referrals(db, organisation(webhook(receiver.url)), 12)
        sender = WebhookSender({SECRET_NAME: Secret(SECRET)})
        w = worker(db, {"webhook": sender}, clock)
        while clock.now < T0 + timedelta(hours=4):  # a worker round every simulated minute
            await w.run_once()
            clock.now += timedelta(minutes=1)
        await sender.close()
    assert len(receiver.received) == 12 and receiver.duplicates == 0
    assert receiver.bad_signatures == 0
    assert 12 * 3 <= receiver.failed <= 12 * 10  # it kept trying, backing off
    assert Outbox(db, fixed_cipher()).counts() == {"pending": 0, "done": 12, "dead": 0}


async def test_after_the_last_attempt_a_delivery_is_dead_and_an_alert_is_logged(
    db: SAEngine, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(T0)
    with WebhookReceiver(SECRET, clock=clock, down=lambda: True) as receiver:
        make_referrals(db, organisation(webhook(receiver.url)), 1)
        sender = WebhookSender({SECRET_NAME: Secret(SECRET)})
        w = worker(db, {"webhook": sender}, clock, backoff=Backoff(30, 3600, 3))
        failed, gave_up = counted("failed"), counted("gave_up")
        with caplog.at_level(logging.WARNING):
            for _ in range(6):
                await w.run_once()
                clock.now += timedelta(hours=2)
        await sender.close()
    assert receiver.calls == 3
    assert (counted("failed"), counted("gave_up")) == (failed + 2, gave_up + 1)
    outbox = Outbox(db, fixed_cipher())
    assert outbox.counts()["dead"] == 1
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(alerts) == 1 and "dead-lettered" in alerts[0].getMessage()
    assert alerts[0].reference == "CC-TEST-0001"  # type: ignore[attr-defined]
    assert outbox.retry_dead("CC-TEST-0001", clock.now) == 1  # once the receiver is fixed
    assert outbox.counts()["pending"] == 1


def test_two_workers_never_send_the_same_referral_twice(db: SAEngine) -> None:
    clock = FakeClock(T0)
    with WebhookReceiver(SECRET, clock=clock, delay=0.005) as receiver:
        make_referrals(db, organisation(webhook(receiver.url)), 60)
        errors: list[BaseException] = []

        def run(name: str) -> None:
            async def drain() -> None:
                sender = WebhookSender({SECRET_NAME: Secret(SECRET)})
                w = worker(db, {"webhook": sender}, clock, name=name, batch=5)
                while await w.run_once():
                    pass
                await sender.close()

            try:
                asyncio.run(drain())
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(f"worker-{i}",)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not errors
    assert len(receiver.received) == 60
    assert receiver.calls == 60 and receiver.duplicates == 0  # not one double send
    with db.connect() as conn:
        workers = set(conn.execute(select(DeliveryAttempt.c.worker)).scalars())
    assert {w.split(":")[0] for w in workers} == {"worker-0", "worker-1"}  # both took a share


def test_the_plain_text_details_for_organisations_that_opted_in() -> None:
    text = details(record("CC-TEST-0007"))
    assert text.startswith("Reference: CC-TEST-0007")
    assert "- How old are you?\n  26 to 64" in text
