"""The referral conversation after an outcome: offer, contact details, review and consent.

Outcomes that offer a referral (``offer_referral``) ask, once the outcome is shown, whether
the person would like the local organisation (see ``organisations.route``) to get in touch.
Nothing is shared without a yes to the consent question, which comes after the person has
seen exactly what would be sent. The yes is recorded with its time and the version of the
wording (``ReferralRequested``); the host stores the referral and delivers it.

The details asked for are kept in ``state.referral`` (step id to answer) until then; the host
encrypts a session holding them. A no, at the offer or at the consent, deletes them.
"""

from __future__ import annotations

from bot.engine import referral_texts as rt
from bot.engine import texts
from bot.engine.checkin import CheckIns
from bot.engine.contact import check_email, check_name, check_phone, check_text
from bot.engine.events import (
    NOTICE,
    QUESTION,
    Event,
    MessageCreated,
    OptionView,
    ReferralDeclined,
    ReferralRequested,
)
from bot.engine.organisations import Organisation, route
from bot.engine.referral_record import build_record, summary_lines
from bot.engine.referral_steps import ASKS, REFERRAL, YOUNG_AGE, Ask
from bot.engine.render import EXPLAIN, Renderer
from bot.i18n import Msg

BAD = {
    "name": rt.NAME_BAD,
    "other": rt.NAME_BAD,
    "phone": rt.PHONE_BAD,
    "email": rt.EMAIL_BAD,
    "language_which": rt.TOO_LONG,
    "needs": rt.TOO_LONG,
}
CHANGES = {  # what "Change something" offers: the step it asks again, and its label
    "name": rt.CHANGE_NAME,
    "how": rt.CHANGE_CONTACT,
    "time": rt.CHANGE_TIME,
    "safe": rt.CHANGE_SAFE,
    "other": rt.CHANGE_OTHER,
    "language": rt.CHANGE_LANGUAGE,
    "needs": rt.CHANGE_NEEDS,
}


class Referrals(CheckIns):
    """The referral offer and the questions after it, up to the consent."""

    # -- where the conversation stands ----------------------------------------------------------

    @property
    def referral_step(self) -> str | None:
        """The referral question being asked, if one is."""
        awaiting = self.state.awaiting or ""
        return awaiting[len(REFERRAL) :] if awaiting.startswith(REFERRAL) else None

    def organisation(self) -> Organisation | None:
        """The organisation this person would be referred to, if any covers them."""
        age, area = self._person()
        return route(self.engine.organisations.values(), area=area, age=age, roles=self.state.roles)

    def young(self) -> bool:
        """Whether the person said they are under 16 (they get wording written for them)."""
        return self._person()[0] == YOUNG_AGE

    def _mutual(self) -> bool:
        return "mutual_carer" in self.state.roles and not self.young()

    def _steps(self) -> list[str]:
        """The referral questions for this person, in order, given the answers so far."""
        draft = self.state.referral
        contact = draft.get("how") in ("phone", "email")
        steps = ["offer", "name", "how", *([draft["how"]] if contact else []), "time"]
        steps += ["safe"] if contact else []
        steps += ["other"] if self._mutual() else []
        steps += ["language", *(["language_which"] if draft.get("language") == "other" else [])]
        return [*steps, "needs", "confirm"]

    # -- asking --------------------------------------------------------------------------------

    def _after_outcome(self, r: Renderer) -> list[Event]:
        """After the outcome: the referral offer where it is made, then the check-in offer."""
        if not self.state.referral_offered:
            return super()._after_outcome(r)
        if self.organisation() is None:
            return [MessageCreated(r.system(rt.NO_LOCAL), NOTICE), *super()._after_outcome(r)]
        return [self._ask_referral("offer")]

    def _ask_referral(self, step: str) -> MessageCreated:
        self.state.awaiting = REFERRAL + step
        self.state.asked += 1
        return self._referral_question(self.renderer())

    def _referral_question(self, r: Renderer, *, helping: bool = False) -> MessageCreated:
        """The referral question being asked (or its help, in other words), with its options."""
        step = self.referral_step or "offer"
        ask = ASKS[step]
        org = self.organisation()
        values = {"organisation": self._org_name(r, org), "promise": self._promise(r, org)}
        young = self.young()
        said = ask.young_text if young and ask.young_text else ask.text
        if helping:
            said = ask.young_help if young and ask.young_help else ask.help
        text = r.system(said, **values)
        if step == "confirm":
            text = "\n".join([*summary_lines(self, r), "", text])
        options = (*self._options(r, step, ask), OptionView(EXPLAIN, r.system(texts.EXPLAIN)))
        picture = ask.picture if self.state.easy_read else None
        return MessageCreated(
            text, QUESTION, options, self.state.node, self.state.asked, picture=picture
        )

    def _options(self, r: Renderer, step: str, ask: Ask) -> tuple[OptionView, ...]:
        if step == "language":
            names = self.engine.catalogs.names
            own = [(c, names[c][0]) for c in dict.fromkeys(["en", self.state.language])]
            fixed = [(i, r.system(m)) for i, m in ask.options]
            return tuple(OptionView(i, label) for i, label in [*own, *fixed])
        if step == "change":
            shown = [s for s in CHANGES if s in self._steps()]
            return tuple(OptionView(s, r.system(CHANGES[s])) for s in shown)
        return tuple(OptionView(i, r.system(m)) for i, m in ask.options)

    def _org_name(self, r: Renderer, org: Organisation | None) -> str:
        return r.tr.pgettext(f"organisations/{org.id}", org.name) if org else ""

    def _promise(self, r: Renderer, org: Organisation | None) -> str:
        return r.tr.pgettext(f"organisations/{org.id}", org.promise) if org else ""

    # -- answering ------------------------------------------------------------------------------

    def answer_referral(self, value: str, *, typed: bool = False) -> list[Event]:
        """Take the answer to the referral question being asked: an option id, or typed text."""
        step, r = self.referral_step, self.renderer()
        if step is None:
            return self.current()
        if value == EXPLAIN and not typed:
            return [self._referral_question(r, helping=True)]
        if typed:
            checked = _check(step, value)
            if checked is None:
                bad = MessageCreated(r.system(BAD.get(step, texts.NOT_UNDERSTOOD)), NOTICE)
                return [bad, self._referral_question(r)]
            value = checked
        if step == "offer":
            return self._referral_offer(value, r)
        if step == "confirm":
            return self._consent(value, r)
        if step == "change":
            return [self._ask_referral(value)]
        return self._save_detail(step, value)

    def _referral_offer(self, value: str, r: Renderer) -> list[Event]:
        if value == "yes":
            self.state.referral = {}
            return [self._ask_referral("name")]
        return self._referral_over(r, rt.DECLINED, ReferralDeclined("offer"))

    def _save_detail(self, step: str, value: str) -> list[Event]:
        draft = dict(self.state.referral)
        if step == "how":
            draft.pop("phone", None), draft.pop("email", None)
        if step == "language":
            draft.pop("language_which", None)
        draft[step] = value
        self.state.referral = draft
        steps = self._steps()
        later = steps[steps.index(step) + 1 :]
        return [self._ask_referral(next(s for s in later if s not in draft))]

    def _consent(self, value: str, r: Renderer) -> list[Event]:
        if value == "change":
            return [self._ask_referral("change")]
        if value != "yes":
            return self._referral_over(r, rt.CANCELLED, ReferralDeclined("consent"))
        org = self.organisation()
        if org is None:  # the answers changed since the offer (cannot happen today)
            return self._referral_over(r, rt.NO_LOCAL, ReferralDeclined("no organisation"))
        reference = self.engine.new_reference()
        record = build_record(self, org, reference, self.state.updated_at)
        values = {
            "organisation": self._org_name(r, org),
            "promise": self._promise(r, org),
            "reference": reference,
        }
        sent = MessageCreated(r.system(rt.SENT, **values), NOTICE)
        requested = ReferralRequested(reference, org.id, record, self.state.updated_at)
        self.state.referral = {}
        self.state.awaiting = None
        return [requested, sent, *CheckIns._after_outcome(self, r)]

    def _referral_over(self, r: Renderer, said: Msg, event: Event) -> list[Event]:
        """The referral ends without being sent: the details go, then the check-in offer."""
        self.state.referral, self.state.awaiting = {}, None
        return [event, MessageCreated(r.system(said), NOTICE), *CheckIns._after_outcome(self, r)]

    def referral_back(self) -> list[Event]:
        """Back at a referral question: the one before it (from the offer: the last question)."""
        step = self.referral_step or "offer"
        steps = self._steps()
        if step == "offer":
            self.state.awaiting, self.state.referral = None, {}
            self._replay(self.state.answers[:-1])
            return self.current()
        before = "confirm" if step == "change" else steps[max(0, steps.index(step) - 1)]
        return [self._ask_referral(before)]


def _check(step: str, text: str) -> str | None:
    """A typed answer made tidy, or None when it cannot be the answer to this step."""
    if step in ("name", "other"):
        return check_name(text)
    if step == "phone":
        return check_phone(text)
    if step == "email":
        return check_email(text)
    if step in ("language_which", "needs"):
        return check_text(text)
    return None
