"""The web chat page's own words (the conversation's come from the engine)."""

from bot.i18n import N_

TITLE = N_("web", "Am I a carer?")
YOUR_ANSWER = N_("web", "Your answer")
SEND = N_("web", "Send")
MORE = N_("web", "More choices")
