"""The engine's own words (not a flow's). English source, translated like everything else."""

from bot.i18n import N_, NP_

CONTEXT = "system"  # literal in each N_ call below, so pybabel can read it
"""Message context of the engine's own words."""

NOT_UNDERSTOOD = N_("system", "Sorry, I did not understand that. Please choose one of the answers.")
NOT_A_NUMBER = N_("system", "Sorry, I did not understand that. Please type a number, like 42.")
EMPTY = N_("system", "I did not get any words there. Please choose one of the answers.")
TOO_LONG = N_(
    "system",
    "That was a long message. I can only read short answers here. "
    "Please choose one of the answers.",
)
STALE = N_("system", "That question has moved on. Here is the question we are on now.")
UNKNOWN_CHOICE = N_(
    "system", "That choice does not belong to this question. Here is the question again."
)
BACK = N_("system", "OK, let's go back one question.")
BACK_AT_START = N_("system", "This is the first question, so there is nothing to go back to.")
RESTARTED = N_("system", "OK, we are starting again from the beginning.")
EXPIRED = N_(
    "system",
    "It has been a while since we last talked, so we are starting again. "
    "Your old answers have been cleared.",
)
STOP_DAYS = NP_(
    "system",
    "OK, we will stop here. I will keep your answers for {n} day, "
    "so you can carry on where you left off. Just send me a message.",
    "OK, we will stop here. I will keep your answers for {n} days, "
    "so you can carry on where you left off. Just send me a message.",
)
STOP_HOURS = NP_(
    "system",
    "OK, we will stop here. I will keep your answers for {n} hour, "
    "so you can carry on where you left off. Just send me a message.",
    "OK, we will stop here. I will keep your answers for {n} hours, "
    "so you can carry on where you left off. Just send me a message.",
)
STOP_MINUTES = NP_(
    "system",
    "OK, we will stop here. I will keep your answers for {n} minute, "
    "so you can carry on where you left off. Just send me a message.",
    "OK, we will stop here. I will keep your answers for {n} minutes, "
    "so you can carry on where you left off. Just send me a message.",
)
WELCOME_BACK = N_("system", "Welcome back. Here is where we were.")
FINISHED = N_(
    "system",
    "We have finished these questions. You can read what I think above. "
    "If you want to go through them again, choose Start again.",
)
START_AGAIN = N_("system", "Start again")
HELP_COMMANDS = N_(
    "system",
    "You can also type: back (change your last answer), restart, stop, language, easyread, "
    "privacy, status (your referral), forget (delete your answers), or urgent (if you or "
    "someone else is in danger).",
)
PICK_LANGUAGE = N_("system", "Which language would you like me to use?")
PICK_LANGUAGE_HELP = N_("system", "Choose the language you find easiest to read.")
LANGUAGE_SET = N_("system", "OK, I will use English now.")
LANGUAGE_MISSING = N_(
    "system", "Sorry, I cannot speak that language yet. Please choose from this list."
)
URGENT_INTRO = N_(
    "system",
    "If you or someone else is in danger or needs help now, these can help. "
    "It is OK to ask for help. Then we can carry on.",
)
SIGNPOSTS_INTRO = N_("system", "Places that can help:")
SERVICE_LINE = N_("system", "{name}: {what}")
PHONE = N_("system", "Phone {phone}")
PHONE_HOURS = N_("system", "Phone {phone} ({hours})")
SMS = N_("system", "Text {sms}")
UNKNOWN_COMMAND = N_(
    "system",
    "I do not know that command. You can type: back, restart, help, stop, language, "
    "easyread, privacy, status, forget or urgent.",
)
DAMAGED = N_(
    "system",
    "Sorry, I could not read our earlier conversation, "
    "so we are starting again from the beginning.",
)
EXPLAIN = N_("system", "I don't understand")
PROGRESS = N_("system", "Question {n} of {total}")
CRISIS = N_(
    "system",
    "Thank you for telling me. You do not have to deal with this on your own, "
    "and you are not in trouble. If anyone is in danger right now, phone 999. "
    "These can help:",
)
DANGER = N_(
    "system",
    "Thank you for telling me. It is right to talk about this, and you will be listened to. "
    "If anyone is in danger right now, phone 999. These can help:",
)
CARRY_ON = N_(
    "system",
    "When you are ready, we can carry on. Here is the question we were on. "
    "You can type urgent at any time to see these again.",
)
DONE = N_("system", "Done")
PICK_ALL = N_("system", "Choose all that fit, then choose Done.")
PICK_SOME = N_("system", "Please choose at least one answer, then Done.")
SORRY = N_("system", "Sorry, I did not understand that.")
EXAMPLE = N_("system", "{name} (example details: check before you rely on them)")
CARRY_ON_NEXT = N_(
    "system",
    "Thank you for telling me in your own words. When you are ready, we can carry on. "
    "You can type urgent at any time to see these again.",
)
CHECK_IN_ASK = NP_(
    "system",
    "Would you like me to send you a message in about {n} month, "
    "to go through these questions again?",
    "Would you like me to send you a message in about {n} months, "
    "to go through these questions again?",
)
CHECK_IN_YES = N_("system", "Yes, please")
CHECK_IN_NO = N_("system", "No, thank you")
CHECK_IN_AGREED = NP_(
    "system",
    "Thank you. I will send you a message in about {n} month. Until then I keep your answers "
    "and that date, and nothing else. If you change your mind, type forget: "
    "I will delete them and not message you.",
    "Thank you. I will send you a message in about {n} months. Until then I keep your answers "
    "and that date, and nothing else. If you change your mind, type forget: "
    "I will delete them and not message you.",
)
CHECK_IN_DECLINED = N_(
    "system", "That is fine. You can come back and answer the questions again at any time."
)
CHECK_IN_HELLO = N_(
    "system",
    "Hello again. Some time ago you asked me to check in with you. Things can change, "
    "for example if someone gets frailer or ill. Let's go through the questions again.",
)
FORGOTTEN = N_(
    "system",
    "I have deleted your answers, and I will not message you again. "
    "If you send me a message, we will start again from the beginning.",
)
PRIVACY = N_(
    "system",
    "Your answers are kept so you can carry on where you left off. If you leave it for a week, "
    "they are deleted. Nothing is shared with anyone unless you say yes. "
    "Type forget at any time, and I will delete your answers straight away.",
)
PICK_LANGUAGE_SUGGESTED = N_(
    "system", "Which language would you like me to use? Your phone is set to this one."
)
EASY_READ_ASK = N_("system", "Would you like easy words and pictures?")
EASY_READ_ASK_HELP = N_(
    "system",
    "Easy words means short sentences, with a picture for each question. "
    "You can change this at any time: type easyread.",
)
EASY_READ_YES = N_("system", "Yes, easy words and pictures")
EASY_READ_NO = N_("system", "No, the usual words")
EASY_READ_ON = N_("system", "OK. I will use easy words and pictures. Type easyread to change this.")
EASY_READ_OFF = N_("system", "OK. I will use the usual words. Type easyread to change this.")
CHECK_IN_START = N_("system", "Shall we go through the questions now?")
CHECK_IN_GO = N_("system", "Yes, let's start")
CHECK_IN_OPT_OUT = N_("system", "No. Please do not message me again")
