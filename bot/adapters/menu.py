"""The global commands as every channel offers them: name, and what it does in a few words.

Telegram shows them in its command menu; the web chat shows them as buttons. (The message
context stays ``telegram:command``, where they were first translated.)
"""

from bot.i18n import N_, Msg

MENU: tuple[tuple[str, Msg], ...] = (
    ("start", N_("telegram:command", "Start, or show the question we are on")),
    ("help", N_("telegram:command", "Ask the question in other words")),
    ("back", N_("telegram:command", "Change your last answer")),
    ("restart", N_("telegram:command", "Start the questions again")),
    ("language", N_("telegram:command", "Choose your language")),
    ("easyread", N_("telegram:command", "Easy words and pictures, on or off")),
    ("privacy", N_("telegram:command", "What happens to your answers")),
    ("stop", N_("telegram:command", "Stop for now and carry on later")),
    ("status", N_("telegram:command", "Where your referral is")),
    ("forget", N_("telegram:command", "Delete your answers")),
    ("urgent", N_("telegram:command", "Help right now, if someone is in danger")),
)
