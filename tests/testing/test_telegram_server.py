"""The fake Bot API server, driven over HTTP with httpx as a bot would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.testing.telegram import BackgroundServer, BotApiSpec, FakeBotApi
from bot.testing.telegram.server import default_spec

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]
    ]
}


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token="123:ABC") as fake:
        yield fake


def call(api: FakeBotApi, method: str, **params: Any) -> httpx.Response:
    return httpx.post(f"{api.base_url}123:ABC/{method}", json=params, timeout=5)


def result(api: FakeBotApi, method: str, **params: Any) -> Any:
    response = call(api, method, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True
    return body["result"]


def spec_problems(type_name: str, value: Any) -> list[Any]:
    """Check an object the fake produces against the spec's type of that name."""
    spec: BotApiSpec = default_spec()
    return spec._check_type(type_name, value, "", form=False)


def test_starts_and_stops_quickly_on_loopback() -> None:
    started = time.perf_counter()
    with FakeBotApi() as fake:
        assert fake.base_url.startswith("http://127.0.0.1:")
        assert fake.base_url.endswith("/bot")
        up = time.perf_counter() - started
    assert up < 0.5
    assert time.perf_counter() - started < 0.8
    with pytest.raises(httpx.ConnectError):
        httpx.get(fake.base_url + "123:ABC/getMe", timeout=1)


def test_get_me(api: FakeBotApi) -> None:
    me = result(api, "getMe")
    assert me["is_bot"] is True
    assert me["id"] == 123
    assert me["username"] == "carercheck_test_bot"
    assert spec_problems("User", me) == []
    assert httpx.get(f"{api.base_url}123:ABC/getme", timeout=5).json()["ok"] is True
    api.assert_clean()


def test_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    response = httpx.post(f"{api.base_url}999:XYZ/getMe", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert api.calls == []


def test_unknown_method_is_not_found(api: FakeBotApi) -> None:
    response = call(api, "sendTelepathy", chat_id=1)
    assert response.status_code == 404
    assert response.json()["description"] == "Not Found: method not found"
    assert api.violations == [("sendTelepathy", ["sendTelepathy is not a Bot API method."])]


def test_send_message_encodings_are_accepted_and_recorded(api: FakeBotApi) -> None:
    url = f"{api.base_url}123:ABC/sendMessage"
    markup = json.dumps(KEYBOARD)
    sent = [
        httpx.post(url, json={"chat_id": 42, "text": "one", "reply_markup": KEYBOARD}),
        httpx.post(url, data={"chat_id": "42", "text": "two", "reply_markup": markup}),
        httpx.post(
            url, data={"chat_id": "42", "text": "3"}, files={"reply_markup": (None, markup)}
        ),
    ]
    assert [r.status_code for r in sent] == [200, 200, 200], [r.text for r in sent]
    messages = [r.json()["result"] for r in sent]
    assert [m["message_id"] for m in messages] == [1, 2, 3]
    for message in messages:
        assert message["chat"]["id"] == 42
        assert message["reply_markup"] == KEYBOARD
        assert spec_problems("Message", message) == []
    assert [params for _, params in api.calls] == [
        {"chat_id": 42, "text": "one", "reply_markup": KEYBOARD},
        {"chat_id": 42, "text": "two", "reply_markup": KEYBOARD},
        {"chat_id": 42, "text": "3", "reply_markup": KEYBOARD},
    ]
    assert [m["text"] for m in api.sent(42)] == ["one", "two", "3"]
    api.assert_clean()


def test_send_photo_uploads_a_file(api: FakeBotApi) -> None:
    response = httpx.post(
        f"{api.base_url}123:ABC/sendPhoto",
        data={"chat_id": "7", "caption": "Look"},
        files={"photo": ("p.png", bytes(range(256)), "image/png")},
    )
    assert response.status_code == 200, response.text
    photo = response.json()["result"]
    assert photo["caption"] == "Look"
    assert spec_problems("Message", photo) == []
    assert api.calls[0][1]["photo"] == bytes(range(256))
    assert api.sent(7)[0]["caption"] == "Look"
    api.assert_clean()


def test_spec_violations_are_refused_and_recorded(api: FakeBotApi) -> None:
    long_text = call(api, "sendMessage", chat_id=42, text="x" * 4097)
    bad_button = {"inline_keyboard": [[{"text": "Go", "callback_data": "d" * 65}]]}
    long_data = call(api, "sendMessage", chat_id=42, text="Hi", reply_markup=bad_button)
    assert long_text.status_code == long_data.status_code == 400
    assert long_text.json()["error_code"] == 400
    assert long_text.json()["description"] == (
        "Bad Request: sendMessage: field text must be 1-4096 characters, got 4097."
    )
    assert "callback_data must be 1-64 bytes, got 65" in long_data.json()["description"]
    assert [method for method, _ in api.violations] == ["sendMessage", "sendMessage"]
    assert api.sent(42) == []
    with pytest.raises(AssertionError, match="callback_data must be 1-64 bytes"):
        api.assert_clean()


def test_get_updates_in_order_with_offset_confirming(api: FakeBotApi) -> None:
    first = api.send_text(5, "/start")
    message_id = result(api, "sendMessage", chat_id=5, text="Carer?", reply_markup=KEYBOARD)[
        "message_id"
    ]
    tapped = api.tap(5, message_id, "yes")
    sticker = api.send_sticker(5)
    got = result(api, "getUpdates", allowed_updates=["message", "callback_query"])
    assert got == [first, tapped, sticker]
    assert [u["update_id"] for u in got] == sorted(u["update_id"] for u in got)
    assert got[0]["message"]["entities"][0]["type"] == "bot_command"
    assert got[1]["callback_query"]["data"] == "yes"
    assert got[1]["callback_query"]["message"]["message_id"] == message_id
    assert all(spec_problems("Update", update) == [] for update in got)
    assert api.allowed_updates == ["message", "callback_query"]
    assert result(api, "getUpdates", offset=got[1]["update_id"]) == [tapped, sticker]
    assert result(api, "getUpdates", offset=got[2]["update_id"] + 1) == []
    assert result(api, "getUpdates", limit=1) == []
    api.assert_clean()


def test_tap_needs_a_real_button(api: FakeBotApi) -> None:
    message_id = result(api, "sendMessage", chat_id=5, text="Hi")["message_id"]
    with pytest.raises(ValueError, match="no button"):
        api.tap(5, message_id, "yes")


def test_long_poll_returns_when_an_update_arrives(api: FakeBotApi) -> None:
    threading.Timer(0.15, api.send_text, args=(9, "hello")).start()
    started = time.perf_counter()
    got = result(api, "getUpdates", timeout=30)
    waited = time.perf_counter() - started
    assert [u["message"]["text"] for u in got] == ["hello"]
    assert 0.1 < waited < 0.9


def test_long_poll_timeout_is_capped(api: FakeBotApi) -> None:
    api.max_poll = 0.2
    started = time.perf_counter()
    assert result(api, "getUpdates", timeout=50) == []
    assert 0.15 < time.perf_counter() - started < 0.6


def test_edit_reply_markup_changes_sent_and_refuses_a_repeat(api: FakeBotApi) -> None:
    message_id = result(api, "sendMessage", chat_id=3, text="Carer?", reply_markup=KEYBOARD)[
        "message_id"
    ]
    smaller = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
    edited = result(
        api, "editMessageReplyMarkup", chat_id=3, message_id=message_id, reply_markup=smaller
    )
    assert edited["reply_markup"] == smaller
    assert api.sent(3)[0]["reply_markup"] == smaller
    again = call(
        api, "editMessageReplyMarkup", chat_id=3, message_id=message_id, reply_markup=smaller
    )
    assert again.status_code == 400
    assert again.json()["description"].startswith("Bad Request: message is not modified")
    result(api, "editMessageText", chat_id=3, message_id=message_id, text="Thanks")
    assert api.sent(3) == [{**api.sent(3)[0], "text": "Thanks"}]
    assert "reply_markup" not in api.sent(3)[0]
    missing = call(api, "editMessageText", chat_id=3, message_id=99, text="Nope")
    assert missing.json()["description"] == "Bad Request: message to edit not found"
    api.assert_clean()


def test_commands_and_simple_methods(api: FakeBotApi) -> None:
    commands = [{"command": "start", "description": "Begin"}]
    assert result(api, "setMyCommands", commands=commands, language_code="en") is True
    assert result(api, "getMyCommands", language_code="en") == commands
    assert result(api, "getMyCommands") == []
    assert result(api, "answerCallbackQuery", callback_query_id="1") is True
    assert result(api, "sendChatAction", chat_id=1, action="typing") is True
    assert result(api, "leaveChat", chat_id=-5) is True
    assert [method for method, _ in api.calls][-2:] == ["sendChatAction", "leaveChat"]
    api.assert_clean()


def test_webhook_records_secret_and_posts_updates() -> None:
    seen: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: Request) -> PlainTextResponse:
        seen.append((request.headers.get("x-telegram-bot-api-secret-token"), await request.json()))
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    with BackgroundServer(app) as bot, FakeBotApi() as api:
        url = f"{bot.url}/hook"
        api.send_text(1, "stale")
        assert (
            result(api, "setWebhook", url=url, secret_token="s3cret", allowed_updates=["message"])
            is True
        )
        assert api.webhook is not None
        assert api.webhook["secret_token"] == "s3cret"
        assert api.webhook["allowed_updates"] == ["message"]
        assert call(api, "getUpdates").status_code == 409
        info = result(api, "getWebhookInfo")
        assert (info["url"], info["pending_update_count"]) == (url, 1)
        update = api.send_text(1, "hi")
        assert api.post_update(url, update, secret_token="s3cret") == 200
        assert result(api, "deleteWebhook", drop_pending_updates=True) is True
        assert result(api, "getUpdates") == []
        api.assert_clean()
    assert seen == [("s3cret", update)]


def test_latency_holds_back_every_answer_but_long_polls() -> None:
    with FakeBotApi(token="123:ABC", latency=0.3) as slow:
        started = time.monotonic()
        assert result(slow, "sendMessage", chat_id=1, text="hi")["text"] == "hi"
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        assert result(slow, "getUpdates", timeout=0) == []
        assert time.monotonic() - started < 0.3
