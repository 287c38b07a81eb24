"""The dialogue engine: flows as data in, events out. It performs no I/O.

Hosts build an ``Engine`` once from parsed flows, then for each conversation call
``Session.start()`` or ``Session.resume(input)`` and carry out the returned events.
"""

from bot.engine.definition import Flow, Node, Option
from bot.engine.errors import FlowError, Problem
from bot.engine.events import (
    CheckInCancelled,
    CheckInScheduled,
    Event,
    ForgetRequested,
    InputRepeated,
    LanguageChanged,
    MessageCreated,
    OptionView,
    Outcome,
    OutcomeReached,
    ReferralDeclined,
    ReferralOffered,
    ReferralRequested,
    SessionRestarted,
    SessionStopped,
    StatusRequested,
)
from bot.engine.inputs import COMMANDS, Choose, ChooseMany, Command, Input, Text
from bot.engine.loader import parse_flow
from bot.engine.runtime import Engine
from bot.engine.services import Contact, Service, parse_services
from bot.engine.session import Session
from bot.engine.state import CorruptSession

__all__ = [
    "COMMANDS",
    "CheckInCancelled",
    "CheckInScheduled",
    "Choose",
    "ChooseMany",
    "Command",
    "Contact",
    "CorruptSession",
    "Engine",
    "Event",
    "Flow",
    "FlowError",
    "ForgetRequested",
    "Input",
    "InputRepeated",
    "LanguageChanged",
    "MessageCreated",
    "Node",
    "Option",
    "OptionView",
    "Outcome",
    "OutcomeReached",
    "Problem",
    "ReferralDeclined",
    "ReferralOffered",
    "ReferralRequested",
    "Service",
    "Session",
    "SessionRestarted",
    "SessionStopped",
    "StatusRequested",
    "Text",
    "parse_flow",
    "parse_services",
]
