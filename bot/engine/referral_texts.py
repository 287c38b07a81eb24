"""The referral conversation's words: offer, contact details, review, consent, status.

English source, translated like everything else (message context ``referral``). The consent
wording is versioned: changing any text that asks for or records consent means a new
``CONSENT_VERSION`` (a test pins the wording to the version).
"""

from bot.engine.texts import CHECK_IN_NO, CHECK_IN_YES
from bot.i18n import N_, NP_

CONTEXT = "referral"
CONSENT_VERSION = "2026-11-22"
"""The version of the consent wording; every recorded yes names it."""

OFFER = N_(
    "referral",
    "Would you like {organisation} to get in touch with you? They support carers where you "
    "live. {promise}",
)
OFFER_YOUNG = N_(
    "referral",
    "Would you like {organisation} to get in touch with you? They help young people who look "
    "after someone. {promise}",
)
OFFER_HELP = N_(
    "referral",
    "If you say yes, I will ask how they can reach you. Then I will show you everything I "
    "would send them. Nothing is sent until you say so.",
)
OFFER_YOUNG_HELP = N_(
    "referral",
    "If you say yes, I will ask how they can reach you, and show you what I would send. "
    "Nothing is sent until you say so. It is a good idea to talk to an adult you trust too, "
    "like someone in your family or a teacher.",
)
YES_PLEASE = CHECK_IN_YES
NO_THANKS = CHECK_IN_NO
DECLINED = N_(
    "referral",
    "That is fine. Nothing has been shared. You can still contact the places above yourself.",
)
NO_LOCAL = N_(
    "referral",
    "I do not know a local service for where you live that I can pass your details to. "
    "You can contact the places above yourself.",
)

NAME = N_("referral", "What would you like them to call you? A first name is fine.")
NAME_HELP = N_(
    "referral",
    "This is the name they will use when they get in touch. It can be a first name or a "
    "nickname. Please type it.",
)
NAME_BAD = N_("referral", "Sorry, I need a name of 1 to 60 letters. Please type it again.")

HOW = N_("referral", "How would you like them to get in touch?")
HOW_HELP = N_(
    "referral",
    "Choose the way that is easiest and safest for you. If you choose messages here, they "
    "will send their messages to me, and I will pass them on to you.",
)
HOW_PHONE = N_("referral", "Phone")
HOW_EMAIL = N_("referral", "E-mail")
HOW_HERE = N_("referral", "Messages here")

PHONE = N_("referral", "What is your phone number?")
PHONE_HELP = N_("referral", "Type the number they should call, like 07700 900123.")
PHONE_BAD = N_(
    "referral",
    "Sorry, that does not look like a phone number. Please type it again, like 07700 900123.",
)
EMAIL = N_("referral", "What is your e-mail address?")
EMAIL_HELP = N_("referral", "Type the address they should write to, like name@example.com.")
EMAIL_BAD = N_(
    "referral",
    "Sorry, that does not look like an e-mail address. Please type it again, like "
    "name@example.com.",
)

TIME = N_("referral", "When is a good time for them to get in touch?")
TIME_HELP = N_("referral", "Choose the time of day that suits you best.")
TIME_MORNING = N_("referral", "Morning")
TIME_AFTERNOON = N_("referral", "Afternoon")
TIME_EVENING = N_("referral", "Evening")
TIME_ANY = N_("referral", "Any time")

SAFE = N_(
    "referral",
    "If someone else answers, is it safe for them to leave a message, or to say where they "
    "are from?",
)
SAFE_HELP = N_(
    "referral",
    "Some people would rather others at home did not know they asked for help. If you say "
    "no, they will not leave a message or say where they are from.",
)
SAFE_YES = N_("referral", "Yes, that is safe")
SAFE_NO = N_("referral", "No, please be careful")

OTHER = N_(
    "referral",
    "You and the person you help look after each other. What is their name? Then the service "
    "can plan support for you both, together.",
)
OTHER_HELP = N_(
    "referral",
    "A first name is fine. Please type it, or choose Skip if you would rather not say.",
)
SKIP = N_("referral", "Skip")

LANGUAGE = N_("referral", "Which language would you like them to use with you?")
LANGUAGE_HELP = N_(
    "referral",
    "If it is not English, they can find an interpreter. If you choose another language, "
    "I will ask which one.",
)
LANGUAGE_BSL = N_("referral", "British Sign Language")
LANGUAGE_OTHER = N_("referral", "Another language")
LANGUAGE_WHICH = N_("referral", "Which language? Please type its name.")
LANGUAGE_WHICH_HELP = N_("referral", "Type the name of the language, like Tamil or Tigrinya.")

NEEDS = N_(
    "referral",
    "Do you need anything to help you understand them, or to talk with them?",
)
NEEDS_HELP = N_(
    "referral",
    "For example Easy Read, large print, or someone with you to help. You can also type what "
    "you need.",
)
NEEDS_NONE = N_("referral", "No, nothing extra")
NEEDS_EASY = N_("referral", "Easy Read")
NEEDS_LARGE = N_("referral", "Large print")
NEEDS_SOMEONE = N_("referral", "Someone with me to help")
TOO_LONG = N_("referral", "Sorry, that is too long for me. Please use fewer than 200 letters.")

SUMMARY = N_("referral", "This is what I would send to {organisation}:")
SUMMARY_YOUR_DETAILS = N_("referral", "How they can get in touch:")
SUMMARY_ANSWERS = N_("referral", "What you told me:")
SUM_NAME = N_("referral", "Name: {value}")
SUM_PHONE = N_("referral", "Phone: {value}")
SUM_EMAIL = N_("referral", "E-mail: {value}")
SUM_HERE = N_("referral", "By messages here")
SUM_TIME = N_("referral", "A good time: {value}")
SUM_SAFE_YES = N_("referral", "They can leave a message and say where they are from.")
SUM_SAFE_NO = N_("referral", "Do not leave a message or say where they are from.")
SUM_OTHER = N_("referral", "The person you help: {value}. Please plan support for you both.")
SUM_OTHER_NONE = N_("referral", "You help each other. Please plan support for you both.")
SUM_LANGUAGE = N_("referral", "Language: {value}")
SUM_NEEDS = N_("referral", "To help you understand and talk: {value}")
SUM_AGE = N_("referral", "They will see that you are under 16.")

CONSENT = N_(
    "referral",
    "Is it OK for me to send this to {organisation}, so they can get in touch with you about "
    "support?",
)
CONSENT_YOUNG = N_(
    "referral",
    "Is it OK for me to send this to {organisation}, so they can get in touch with you? "
    "They will see that you are under 16.",
)
CONSENT_HELP = N_(
    "referral",
    "They will use it only to offer you support. If you say no, nothing is sent, and I delete "
    "the details you just gave me. You can change anything first.",
)
CONSENT_YES = N_("referral", "Yes, send it")
CONSENT_CHANGE = N_("referral", "Change something")
CONSENT_NO = N_("referral", "No, do not send it")

CHANGE = N_("referral", "What would you like to change?")
CHANGE_HELP = N_(
    "referral",
    "Choose what you would like to change. Then I will show you everything again.",
)
CHANGE_NAME = N_("referral", "Your name")
CHANGE_CONTACT = N_("referral", "How to get in touch")
CHANGE_TIME = N_("referral", "A good time")
CHANGE_SAFE = N_("referral", "Leaving a message")
CHANGE_OTHER = N_("referral", "The name of the person you help")
CHANGE_LANGUAGE = N_("referral", "Language")
CHANGE_NEEDS = N_("referral", "Help to understand and talk")

SENT = N_(
    "referral",
    "Thank you. I have sent it to {organisation}. Your reference is {reference}. {promise} "
    "They will talk with you about what help might fit. I will tell you here when they have "
    "picked it up. You can type status at any time.",
)
CANCELLED = N_(
    "referral",
    "OK. I have not sent anything, and I have deleted the contact details you gave me.",
)

STATUS_NONE = N_("referral", "You have not asked me to send your details to anyone.")
STATUS_LINE = N_("referral", "Your referral {reference} to {organisation}: {status}")
STATUS_SENT = N_("referral", "sent. They have not picked it up yet.")
STATUS_RECEIVED = N_("referral", "they have it, and they will get in touch.")
STATUS_CONTACTED = N_("referral", "they say they have been in touch with you.")
STATUS_CLOSED = N_("referral", "closed.")
STATUS_ERASE = N_("referral", "you asked them to delete it.")

NOTICE_RECEIVED = N_(
    "referral", "{organisation} has your referral ({reference}). They will get in touch with you."
)
NOTICE_CONTACTED = N_(
    "referral", "{organisation} says they have been in touch with you about {reference}."
)
NOTICE_CLOSED = N_(
    "referral",
    "{organisation} has closed your referral {reference}. If things change, you can answer the "
    "questions again at any time.",
)
NOTICE_NOTE = N_("referral", "A message from {organisation} about {reference}: {note}")

FORGOTTEN_RECALLED = N_(
    "referral",
    "I have also deleted your referral {reference}. It had not reached {organisation} yet, so "
    "nobody else has it.",
)
FORGOTTEN_DELIVERED = N_(
    "referral",
    "Your referral {reference} had already reached {organisation}, so I cannot delete it from "
    "their records. I have told them you asked for it to be deleted.",
)
PRIVACY = NP_(
    "referral",
    "If you ask me to send your details to a support service, I keep a copy until they close "
    "your referral, and then for {n} day. Type status to see where it is.",
    "If you ask me to send your details to a support service, I keep a copy until they close "
    "your referral, and then for {n} days. Type status to see where it is.",
)
