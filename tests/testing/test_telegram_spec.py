"""The Bot API checker: every request problem as an exact sentence."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from bot.testing.telegram import BotApiSpec, Limit
from bot.testing.telegram.spec import DEFAULT_PATH


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    return BotApiSpec.load()


KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]
    ]
}


def message(**extra: Any) -> dict[str, Any]:
    return {"chat_id": 42, "text": "Hello", **extra}


def keyboard(callback_data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "Go", "callback_data": callback_data}]]}


VALID = [
    pytest.param("sendMessage", message(reply_markup=KEYBOARD), id="inline-keyboard-dict"),
    pytest.param(
        "sendMessage", message(reply_markup=json.dumps(KEYBOARD)), id="inline-keyboard-json"
    ),
    pytest.param("sendMessage", {"chat_id": "-100123", "text": "x"}, id="chat-id-form-digits"),
    pytest.param("sendMessage", {"chat_id": "@channel", "text": "x"}, id="chat-id-username"),
    pytest.param("sendMessage", message(text="x" * 4096), id="text-4096"),
    pytest.param(
        "sendMessage", message(reply_markup=keyboard("x" * 64)), id="callback-data-64-bytes"
    ),
    pytest.param("sendMessage", message(reply_markup=keyboard("😀" * 16)), id="emoji-64-bytes"),
    pytest.param("sendMessage", message(disable_notification="true"), id="boolean-form-true"),
    pytest.param("sendMessage", message(protect_content=False), id="boolean-json"),
    pytest.param(
        "sendMessage", message(reply_markup={"remove_keyboard": True}), id="reply-keyboard-remove"
    ),
    pytest.param("sendMessage", message(parse_mode=None), id="none-is-absent"),
    pytest.param("sendmessage", message(), id="lowercase-method"),
    pytest.param("SENDMESSAGE", message(), id="uppercase-method"),
    pytest.param(
        "setMyCommands",
        {"commands": [{"command": "start", "description": "Begin the screening"}]},
        id="bot-commands",
    ),
    pytest.param(
        "setMyCommands",
        {
            "commands": json.dumps([{"command": "help", "description": "Help"}]),
            "language_code": "en",
        },
        id="bot-commands-json",
    ),
    pytest.param(
        "setMyCommands",
        {"commands": [], "scope": {"type": "all_private_chats"}},
        id="scope-subtype",
    ),
    pytest.param(
        "setMyCommands",
        {"commands": [], "scope": json.dumps({"type": "chat", "chat_id": -100})},
        id="scope-subtype-json",
    ),
    pytest.param(
        "answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 200}, id="answer-200"
    ),
    pytest.param("answerCallbackQuery", {"callback_query_id": "1", "text": ""}, id="answer-empty"),
    pytest.param(
        "editMessageReplyMarkup",
        {"chat_id": 1, "message_id": "7", "reply_markup": KEYBOARD},
        id="edit-reply-markup",
    ),
    pytest.param(
        "getUpdates", {"allowed_updates": '["message", "callback_query"]'}, id="allowed-json"
    ),
    pytest.param(
        "getUpdates", {"offset": -1, "limit": "100", "timeout": 30}, id="get-updates-ints"
    ),
    pytest.param(
        "setWebhook", {"url": "https://example.org/hook", "certificate": b"PEM"}, id="webhook-bytes"
    ),
    pytest.param("setWebhook", {"url": "", "certificate": io.BytesIO(b"PEM")}, id="webhook-file"),
    pytest.param(
        "sendLocation", {"chat_id": 1, "latitude": 51.5, "longitude": "-0.12"}, id="floats"
    ),
    pytest.param("deleteWebhook", {"drop_pending_updates": True}, id="optional-only"),
]


@pytest.mark.parametrize(("method", "params"), VALID)
def test_valid_requests_have_no_problems(
    spec: BotApiSpec, method: str, params: dict[str, Any]
) -> None:
    assert spec.check(method, params) == []


CALLBACK_DATA_65 = (
    "sendMessage: field reply_markup.inline_keyboard[0][0].callback_data "
    "must be 1-64 bytes, got 65."
)

INVALID = [
    pytest.param(
        "sendMessage",
        {"text": "Hello"},
        ["sendMessage: field chat_id is required but missing."],
        id="missing-chat-id",
    ),
    pytest.param(
        "sendMessage",
        message(colour="blue"),
        ["sendMessage: field colour is not a known field."],
        id="unknown-field",
    ),
    pytest.param(
        "sendMessage",
        message(text=""),
        ["sendMessage: field text must be 1-4096 characters, got 0."],
        id="text-0",
    ),
    pytest.param(
        "sendMessage",
        message(text="x" * 4097),
        ["sendMessage: field text must be 1-4096 characters, got 4097."],
        id="text-4097",
    ),
    pytest.param(
        "sendMessage",
        message(text="é" * 4097),
        ["sendMessage: field text must be 1-4096 characters, got 4097."],
        id="text-counts-characters-not-bytes",
    ),
    pytest.param(
        "sendMessage",
        message(reply_markup=keyboard("x" * 65)),
        [CALLBACK_DATA_65],
        id="callback-data-65-bytes",
    ),
    pytest.param(
        "sendMessage",
        message(reply_markup=json.dumps(keyboard("😀" * 16 + "x"))),
        [CALLBACK_DATA_65],
        id="emoji-callback-data-65-bytes",
    ),
    pytest.param(
        "sendMessage",
        message(chat_id=[42]),
        ["sendMessage: field chat_id must be Integer or String, got array."],
        id="chat-id-list",
    ),
    pytest.param(
        "sendMessage",
        message(disable_notification="yes"),
        ["sendMessage: field disable_notification must be Boolean, got string."],
        id="boolean-yes",
    ),
    pytest.param(
        "sendMessage",
        message(reply_markup="not json"),
        [
            "sendMessage: field reply_markup must be InlineKeyboardMarkup, ReplyKeyboardMarkup, "
            "ReplyKeyboardRemove or ForceReply, got string."
        ],
        id="reply-markup-not-json",
    ),
    pytest.param(
        "sendMessage",
        message(reply_markup={"inline_keyboard": [{"text": "flat row"}]}),
        [
            "sendMessage: field reply_markup.inline_keyboard[0] "
            "must be Array of InlineKeyboardButton, got object."
        ],
        id="keyboard-rows-not-nested",
    ),
    pytest.param(
        "sendMessage",
        message(reply_markup={"inline_keyboard": [[{"callback_data": "x", "colour": 1}]]}),
        [
            "sendMessage: field reply_markup.inline_keyboard[0][0].text is required but missing.",
            "sendMessage: field reply_markup.inline_keyboard[0][0].colour is not a known field.",
        ],
        id="nested-missing-and-unknown",
    ),
    pytest.param(
        "sendMesage",
        message(),
        ["sendMesage is not a Bot API method."],
        id="unknown-method",
    ),
    pytest.param(
        "sendmessage",
        {"chat_id": 1},
        ["sendMessage: field text is required but missing."],
        id="lowercase-method-uses-real-name",
    ),
    pytest.param(
        "setMyCommands",
        {
            "commands": [
                {"command": "c" * 33, "description": "d" * 257},
                {"command": "", "description": "ok"},
            ]
        },
        [
            "setMyCommands: field commands[0].command must be 1-32 characters, got 33.",
            "setMyCommands: field commands[0].description must be 1-256 characters, got 257.",
            "setMyCommands: field commands[1].command must be 1-32 characters, got 0.",
        ],
        id="bot-command-lengths",
    ),
    pytest.param(
        "setMyCommands",
        {"commands": {"command": "start", "description": "Begin"}},
        ["setMyCommands: field commands must be Array of BotCommand, got object."],
        id="commands-not-a-list",
    ),
    pytest.param(
        "setMyCommands",
        {"commands": [], "scope": {"type": "everyone"}},
        ["setMyCommands: field scope is not a valid BotCommandScope."],
        id="scope-unknown-subtype",
    ),
    pytest.param(
        "setMyCommands",
        {"commands": [], "scope": {"type": "chat"}},
        ["setMyCommands: field scope.chat_id is required but missing."],
        id="scope-subtype-missing-field",
    ),
    pytest.param(
        "setMyCommands",
        {"commands": [], "scope": "default"},
        ["setMyCommands: field scope must be BotCommandScope, got string."],
        id="scope-not-an-object",
    ),
    pytest.param(
        "answerCallbackQuery",
        {"callback_query_id": "1", "text": "x" * 201},
        ["answerCallbackQuery: field text must be 0-200 characters, got 201."],
        id="answer-201",
    ),
    pytest.param(
        "editMessageReplyMarkup",
        {"chat_id": 1, "message_id": 7, "reply_markup": {"remove_keyboard": True}},
        [
            "editMessageReplyMarkup: field reply_markup.inline_keyboard is required but missing.",
            "editMessageReplyMarkup: field reply_markup.remove_keyboard is not a known field.",
        ],
        id="edit-with-reply-keyboard-remove",
    ),
    pytest.param(
        "editMessageReplyMarkup",
        {"chat_id": 1, "message_id": "seven"},
        ["editMessageReplyMarkup: field message_id must be Integer, got string."],
        id="integer-not-digits",
    ),
    pytest.param(
        "getUpdates",
        {"allowed_updates": '["message", 3]'},
        ["getUpdates: field allowed_updates[1] must be String, got integer."],
        id="allowed-json-with-integer",
    ),
    pytest.param(
        "getUpdates",
        {"allowed_updates": "message"},
        ["getUpdates: field allowed_updates must be Array of String, got string."],
        id="allowed-not-json",
    ),
    pytest.param(
        "setWebhook",
        {"url": "https://example.org", "certificate": 12, "secret_token": ""},
        [
            "setWebhook: field certificate must be InputFile, got integer.",
            "setWebhook: field secret_token must be 1-256 characters, got 0.",
        ],
        id="webhook-certificate-and-secret",
    ),
]


@pytest.mark.parametrize(("method", "params", "problems"), INVALID)
def test_invalid_requests_report_exact_problems(
    spec: BotApiSpec, method: str, params: dict[str, Any], problems: list[str]
) -> None:
    assert spec.check(method, params) == problems


def test_nested_values_must_be_json_types_not_form_strings(spec: BotApiSpec) -> None:
    markup = {"remove_keyboard": "true"}
    assert spec.check("sendMessage", message(reply_markup=markup)) == [
        "sendMessage: field reply_markup.remove_keyboard must be Boolean, got string."
    ]


LIMITS = [
    ("sendMessage", "text", Limit(1, 4096, "characters")),
    ("sendPhoto", "caption", Limit(0, 1024, "characters")),
    ("sendDocument", "caption", Limit(0, 1024, "characters")),
    ("editMessageText", "text", Limit(1, 4096, "characters")),
    ("answerCallbackQuery", "text", Limit(0, 200, "characters")),
    ("setWebhook", "secret_token", Limit(1, 256, "characters")),
    ("InlineKeyboardButton", "callback_data", Limit(1, 64, "bytes")),
    ("BotCommand", "command", Limit(1, 32, "characters")),
    ("BotCommand", "description", Limit(1, 256, "characters")),
]


@pytest.mark.parametrize(("owner", "field", "limit"), LIMITS)
def test_limits_are_parsed_from_descriptions(
    spec: BotApiSpec, owner: str, field: str, limit: Limit
) -> None:
    holder = spec.methods.get(owner) or spec.types[owner]
    assert holder.fields[field].limit == limit


def test_spec_loads_bundled_file(spec: BotApiSpec) -> None:
    assert DEFAULT_PATH.name == "api.json"
    assert BotApiSpec.load(DEFAULT_PATH) == spec
    assert spec.version == "Bot API 10.1"
    assert spec.methods["sendMessage"].returns == ("Message",)
    assert "BotCommandScopeChat" in spec.types["BotCommandScope"].subtypes
    assert spec.method("GETUPDATES") is spec.methods["getUpdates"]
    assert spec.method("getUpdate") is None


def test_every_field_type_is_known(spec: BotApiSpec) -> None:
    holders = [*spec.methods.values(), *spec.types.values()]
    unknown = (
        {
            name.removeprefix("Array of ").removeprefix("Array of ")
            for holder in holders
            for field in holder.fields.values()
            for name in field.types
        }
        - {"Integer", "String", "Boolean", "Float", "True", "InputFile"}
        - set(spec.types)
    )
    assert unknown == set()


def test_subtypes_are_discriminated_by_their_fixed_type(spec: BotApiSpec) -> None:
    assert (
        spec.types["BotCommandScopeAllPrivateChats"].fields["type"].constant == "all_private_chats"
    )
    assert spec.check(
        "setMyCommands", {"commands": [], "scope": {"type": "chat_member", "chat_id": 1}}
    ) == ["setMyCommands: field scope.user_id is required but missing."]
