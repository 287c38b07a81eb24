"""What a referral shows the person before they agree, and the record the organisation gets.

The person sees it in their language; the organisation gets the same facts in English (the
source language), with the answers' option ids as well, and the consent: when, to whom, in
which words, and the version of that wording.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.engine import referral_texts as rt
from bot.engine.contact import show_phone
from bot.engine.definition import Node
from bot.engine.matchers import FREE
from bot.engine.organisations import Organisation
from bot.engine.referral_steps import ASKS
from bot.engine.render import Renderer

if TYPE_CHECKING:
    from bot.engine.referral import Referrals

SHARED = ("contact details", "answers to the questions", "outcome", "age band", "area")
"""What the consent covers, as recorded with it."""


def _option(r: Renderer, step: str, value: str) -> str:
    """How a referral answer reads: an option's label, or the words typed."""
    for option, msg in ASKS[step].options:
        if option == value:
            return r.system(msg)
    return value


def _language(s: Referrals, r: Renderer, *, english: bool = False) -> str:
    """The language they want: its name (their own name for it, or English), or as typed."""
    d = s.state.referral
    code = d.get("language", "en")
    names = s.engine.catalogs.names
    if "language_which" in d:
        return d["language_which"]
    if code in names:
        return names[code][1 if english else 0]
    return _option(r, "language", code)


def detail_lines(s: Referrals, r: Renderer, *, english: bool = False) -> list[str]:
    """How they can get in touch, and what helps, as the person gave it."""
    d = s.state.referral
    lines = [r.system(rt.SUM_NAME, value=d.get("name", ""))]
    if d.get("how") == "phone" and "phone" in d:
        lines.append(r.system(rt.SUM_PHONE, value=show_phone(d["phone"])))
    elif d.get("how") == "email" and "email" in d:
        lines.append(r.system(rt.SUM_EMAIL, value=d["email"]))
    else:
        lines.append(r.system(rt.SUM_HERE))
    if "time" in d:
        lines.append(r.system(rt.SUM_TIME, value=_option(r, "time", d["time"])))
    if "safe" in d:
        lines.append(r.system(rt.SUM_SAFE_YES if d["safe"] == "yes" else rt.SUM_SAFE_NO))
    if "other" in d:
        other = d["other"]
        lines.append(
            r.system(rt.SUM_OTHER_NONE) if other == "skip" else r.system(rt.SUM_OTHER, value=other)
        )
    lines.append(r.system(rt.SUM_LANGUAGE, value=_language(s, r, english=english)))
    if d.get("needs", "none") != "none":
        lines.append(r.system(rt.SUM_NEEDS, value=_option(r, "needs", d["needs"])))
    if s.young():
        lines.append(r.system(rt.SUM_AGE))
    return lines


def _told(node: Node) -> bool:
    """Whether an answered node is one of the screening's questions about the person's life."""
    return node.progress or any(m.type in FREE for m in node.match)


def answer_pairs(s: Referrals, r: Renderer) -> list[tuple[Node, str, str]]:
    """(node, question, answer) for each screening answer, as ``r``'s language reads them."""
    pairs = []
    for node_id, value in s.state.answers:
        node = s.flow.node(node_id)
        if not _told(node):
            continue
        values = value if isinstance(value, tuple) else (str(value),)
        answer = r.tr.join([r.label(node, v) for v in values])
        pairs.append((node, r.node_text(node, node.question or ""), answer))
    return pairs


def summary_lines(s: Referrals, r: Renderer) -> list[str]:
    """Everything that would be sent, for the person to check before they agree."""
    org = s.organisation()
    name = r.tr.pgettext(f"organisations/{org.id}", org.name) if org else ""
    lines = [r.system(rt.SUMMARY, organisation=name), "", r.system(rt.SUMMARY_YOUR_DETAILS)]
    lines += [f"• {line}" for line in detail_lines(s, r)]
    lines += ["", r.system(rt.SUMMARY_ANSWERS)]
    for _, question, answer in answer_pairs(s, r):
        lines += [f"• {question}", f"  {answer}"]
    return lines


def build_record(s: Referrals, org: Organisation, reference: str, at: datetime) -> dict[str, Any]:
    """The referral as the organisation gets it (English), with the consent that allows it."""
    d, state = s.state.referral, s.state
    en = Renderer(s.flow, s.engine.translator("en"), state)
    mine = s.renderer()
    age, area = s._person()
    young = s.young()
    ask = ASKS["confirm"]
    wording = ask.young_text if young and ask.young_text else ask.text
    language = _language(s, en, english=True)
    return {
        "reference": reference,
        "organisation": org.id,
        "created_at": at.isoformat(),
        "consent": {
            "given_at": at.isoformat(),
            "to": org.id,
            "version": rt.CONSENT_VERSION,
            "language": state.language,
            "easy_read": state.easy_read,
            "wording": mine.system(wording, organisation=_name(mine, org)),
            "wording_en": en.system(wording, organisation=org.name),
            "shared": list(SHARED),
        },
        "person": {
            "name": d.get("name"),
            "contact_method": d.get("how"),
            "phone": d.get("phone"),
            "email": d.get("email"),
            "good_time": d.get("time"),
            "safe_to_leave_message": None if "safe" not in d else d["safe"] == "yes",
            "language": language,
            "interpreter": d.get("language", "en") != "en",
            "communication_needs": None
            if d.get("needs", "none") == "none"
            else _option(en, "needs", d["needs"]),
            "age_band": age,
            "under_16": young,
            "area": area,
        },
        "other_person": None
        if "other" not in d
        else {"name": None if d["other"] == "skip" else d["other"], "joint_assessment": True},
        "screening": {
            "outcome": state.outcome,
            "roles": list(state.roles),
            "flags": list(dict.fromkeys([*state.flags, *state.alarms])),
            "source": state.source,
            "answers": [
                {"question": q, "answer": a, "result": node.result_name}
                for node, q, a in answer_pairs(s, en)
            ],
        },
        "details_en": detail_lines(s, en, english=True),
    }


def _name(r: Renderer, org: Organisation) -> str:
    return r.tr.pgettext(f"organisations/{org.id}", org.name)
