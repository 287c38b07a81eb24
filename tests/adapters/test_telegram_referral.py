"""A whole referral on Telegram, delivered by the worker, and the logs of it all.

Barbara answers the screening, agrees to a referral with her details, the worker e-mails and
posts it (a real SMTP server and a real webhook receiver), the organisation picks it up and
writes a note, the bot tells her, she asks for the status, then asks to be forgotten. Every
log record of the run, at DEBUG, is scanned for her details: none may appear; so is every line
the JSON log format (CARERCHECK_LOG_FORMAT=json) wrote, ``extra`` fields included.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.adapters.telegram import build_application
from bot.adapters.telegram.handlers import Handlers
from bot.config import Secret
from bot.content import build_engine
from bot.engine import Engine
from bot.engine.organisations import Delivery
from bot.engine.reference import counting_references
from bot.logs import formatter, quiet_libraries
from bot.referrals.desk import change_status
from bot.referrals.senders import EmailSender, Smtp, WebhookSender
from bot.referrals.worker import Worker
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.storage.outbox import Outbox
from bot.testing.keys import fixed_cipher
from bot.testing.receiver import WebhookReceiver
from bot.testing.smtp import SmtpServer
from bot.testing.telegram import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "123:ABC"
USER = 4242
SECRET_NAME, SECRET = "CARERCHECK_WEBHOOK_SECRET_LLR", "whsec-llr-test"
NAME, PHONE, NEEDS = "Zebedee Quill", "0116 496 0999", "a hearing loop, please"
NOTE = "We will ring on Tuesday morning"
SEEDED = [NAME, "Zebedee", "Quill", PHONE, "+441164960999", "1164960999", NEEDS, NOTE,
          "breaking point", "day off in two years"]  # fmt: skip


@pytest.fixture
def engine() -> Engine:
    built = build_engine(ROOT / "flows", ROOT / "locales")
    built.new_reference = counting_references()
    return built


@pytest.fixture
async def app(api: FakeBotApi, engine: Engine, tmp_path: Path) -> AsyncIterator[Any]:
    db = connect(f"sqlite:///{tmp_path / 'tg.db'}")
    upgrade(db)
    convs = Conversations(engine, ConversationStore(db), channel="telegram", cipher=fixed_cipher())
    application = build_application(TOKEN, api.base_url, convs)
    application.bot_data["db"] = db
    async with application:
        yield application
    db.dispose()


async def pump(application: Any) -> None:
    offset = 0
    while updates := await application.bot.get_updates(offset=offset, timeout=0):
        for update in updates:
            await application.process_update(update)
            offset = update.update_id + 1


async def answer(api: FakeBotApi, application: Any, raw: dict[str, Any]) -> None:
    """A golden input as a person on Telegram gives it: typed, or tapped (Done after picks)."""
    if "text" in raw:
        api.send_text(USER, raw["text"])
    elif "command" in raw:
        api.send_text(USER, f"/{raw['command']}")
    else:
        chosen = raw["choose"]
        for option in [*chosen, "_done"] if isinstance(chosen, list) else [chosen]:
            last = api.sent(USER)[-1]
            data = [b["callback_data"] for row in last["reply_markup"]["inline_keyboard"]
                    for b in row if b["callback_data"].endswith(f":{option}")]  # fmt: skip
            api.tap(USER, last["message_id"], data[0])
            await pump(application)
        return
    await pump(application)


async def test_a_whole_referral_leaves_no_personal_data_in_the_logs(
    api: FakeBotApi, app: Any, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_libraries()  # as carercheck configures its logging
    written = io.StringIO()
    as_json = logging.StreamHandler(written)
    as_json.setFormatter(formatter("json"))
    logging.getLogger().addHandler(as_json)
    try:
        await a_whole_referral(api, app, engine)
    finally:
        logging.getLogger().removeHandler(as_json)

    records = caplog.records
    assert len(records) > 10  # the run did log: the scan below means something
    for record in records:
        seen = f"{record.getMessage()} {record.__dict__}"
        for secret in SEEDED:
            assert secret not in seen, f"{secret!r} logged by {record.name}: {record.getMessage()}"
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    assert len(lines) == len(records)
    assert any(line.get("reference") == "CC-TEST-0001" for line in lines)  # extras are there
    for line in lines:
        for secret in SEEDED:
            assert secret not in json.dumps(line, ensure_ascii=False), line


async def a_whole_referral(api: FakeBotApi, app: Any, engine: Engine) -> None:
    """Barbara's referral, from /start to being forgotten (see the module)."""
    golden = json.loads(
        (ROOT / "tests/goldens/screening/barbara_looks_after_her_mum_eleanor.json").read_text()
    )
    with SmtpServer() as smtp, WebhookReceiver(SECRET) as receiver:
        org = engine.organisations["llr_carers_support"]
        engine.organisations["llr_carers_support"] = replace(
            org, delivery=(*org.delivery, Delivery("webhook", receiver.url, SECRET_NAME))
        )
        api.send_text(USER, "/start")
        await pump(app)
        for raw in [{"choose": "en"}, {"choose": "no"}, *golden["inputs"]]:
            await answer(api, app, raw)
        for raw in [
            {"choose": "yes"},
            {"text": NAME},
            {"choose": "phone"},
            {"text": PHONE},
            {"choose": "morning"},
            {"choose": "no"},
            {"choose": "en"},
            {"text": NEEDS},
        ]:
            await answer(api, app, raw)
        review = api.sent(USER)[-1]["text"]
        assert NAME in review and PHONE in review and NEEDS in review
        await answer(api, app, {"choose": "yes"})
        assert "Your reference is CC-TEST-0001" in api.sent(USER)[-1]["text"]

        convs: Conversations = app.bot_data["conversations"]
        db = app.bot_data["db"]
        senders = {
            "email": EmailSender(Smtp("127.0.0.1", smtp.port, starttls=False),
                                 "https://inbox.example.org", engine.organisations),
            "webhook": WebhookSender({SECRET_NAME: Secret(SECRET)}),
        }  # fmt: skip
        worker = Worker(Outbox(db, fixed_cipher()), senders, lambda: datetime.now(UTC))
        assert await worker.run_once() == 2
        await senders["webhook"].close()  # type: ignore[attr-defined]
        assert len(smtp.messages) == 1 and NAME not in str(smtp.messages[0])
        assert receiver.received["CC-TEST-0001.referral"]["referral"]["person"]["name"] == NAME

        change_status(engine, convs.referrals, "CC-TEST-0001", "acknowledged",
                      at=datetime.now(UTC), by="test", note=NOTE)  # fmt: skip
        handlers = Handlers(convs)
        await handlers.send_notices(SimpleNamespace(bot=app.bot))  # type: ignore[arg-type]
        news = [m["text"] for m in api.sent(USER)[-2:]]
        assert news[0].startswith("Carers' support service for Leicester")
        assert NOTE in news[1]

        await answer(api, app, {"command": "status"})
        assert api.sent(USER)[-2]["text"].endswith("they have it, and they will get in touch.")
        await answer(api, app, {"command": "forget"})
        assert "had already reached" in api.sent(USER)[-1]["text"]
