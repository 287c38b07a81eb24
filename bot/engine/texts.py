"""The engine's own words (not a flow's). English source, translated like everything else."""

from bot.i18n import N_

CONTEXT = "system"

NOT_UNDERSTOOD = N_("Sorry, I did not understand that. Please choose one of the answers.")
NOT_A_NUMBER = N_("Sorry, I did not understand that. Please type a number, like 42.")
EMPTY = N_("I did not get any words there. Please choose one of the answers.")
TOO_LONG = N_(
    "That was a long message. I can only read short answers here. Please choose one of the answers."
)
STALE = N_("That question has moved on. Here is the question we are on now.")
UNKNOWN_CHOICE = N_("That choice does not belong to this question. Here it is again.")
BACK = N_("OK, let's go back one question.")
BACK_AT_START = N_("This is the first question, so there is nothing to go back to.")
RESTARTED = N_("OK, we are starting again from the beginning.")
EXPIRED = N_(
    "It has been a while since we last talked, so we are starting again. "
    "Your old answers have been cleared."
)
STOP_ONE = N_(
    "OK, we will stop here. I will keep your answers for {days} day, "
    "so you can carry on where you left off. Just send me a message."
)
STOP_MANY = N_(
    "OK, we will stop here. I will keep your answers for {days} days, "
    "so you can carry on where you left off. Just send me a message."
)
WELCOME_BACK = N_("Welcome back. Here is where we were.")
FINISHED = N_(
    "We have finished these questions. You can read your answer above. "
    "If you want to go through them again, choose Start again."
)
START_AGAIN = N_("Start again")
HELP_COMMANDS = N_(
    "You can also type: back (change your last answer), restart, stop, "
    "language, or urgent (if you or someone else is in danger)."
)
PICK_LANGUAGE = N_("Which language would you like me to use?")
PICK_LANGUAGE_HELP = N_("Choose the language you find easiest to read.")
LANGUAGE_SET = N_("OK, I will use English now.")
LANGUAGE_MISSING = N_("Sorry, I cannot speak that language yet. Please choose from this list.")
URGENT_INTRO = N_(
    "If you or someone else is in danger or needs help now, these can help. "
    "It is OK to ask for help. Then we can carry on."
)
SIGNPOSTS_INTRO = N_("Places that can help:")
SERVICE_LINE = N_("{name}: {what} {contact}")
UNKNOWN_COMMAND = N_("I do not know that command.")
DAMAGED = N_(
    "Sorry, I could not read our earlier conversation, so we are starting again from the beginning."
)
