"""``carercheck orgs list | add``: the organisations that take referrals.

Organisations are data, like the flows: each is an entry in ``flows/organisations/*.yaml``
with the date its details were checked. ``orgs add`` writes a new file there, checked exactly
as the bot checks it when it starts; nothing is written unless the entry is valid.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import yaml

from bot.cli_referrals import now
from bot.config import Config

HEADER = """\
# Added with `carercheck orgs add` on {day}. checked_on is the day these details were
# confirmed with the organisation: check them again before it gets old.
# The promise is shown to people in their language: run `carercheck i18n extract` and
# `carercheck i18n update` so translators get it (until then it is shown in English).
"""


def _list(cfg: Config) -> int:
    from bot.content import build_engine  # noqa: PLC0415

    for org in build_engine(cfg.flows_dir, cfg.locales_dir).organisations.values():
        ways = ", ".join(["inbox", *(d.method for d in org.delivery)])
        example = " (example details)" if org.example else ""
        print(f"{org.id}: {org.name}{example}; delivery: {ways}")
    return 0


def entry(args: argparse.Namespace, day: str) -> dict[str, Any]:
    """The organisation's entry, as it will be written, from the command's arguments."""
    delivery: list[dict[str, str]] = [{"method": "email", "address": a} for a in args.email]
    if args.webhook:
        delivery.append({"method": "webhook", "url": args.webhook, "secret": args.webhook_secret})
    item: dict[str, Any] = {
        "id": args.id,
        "name": args.name,
        "areas": _split(args.areas),
        "ages": _split(args.ages),
        "roles": _split(args.roles),
        "promise": args.promise,
        "checked_on": day,
    }
    if delivery:
        item["delivery"] = delivery
    if args.email_details:
        item["email_details"] = True
    if args.example:
        item["example"] = True
    return item


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _add(args: argparse.Namespace, cfg: Config) -> int:
    from bot.content import age_bands, build_engine, shown_path  # noqa: PLC0415
    from bot.engine.errors import FlowError  # noqa: PLC0415
    from bot.engine.organisations import parse_organisations  # noqa: PLC0415

    engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    path = cfg.flows_dir / "organisations" / f"{args.id}.yaml"
    if args.id in engine.organisations or path.exists():
        print(f"organisation {args.id!r} already exists", file=sys.stderr)
        return 2
    day = now().date().isoformat()
    body = {"spec_version": "1.0", "organisations": [entry(args, day)]}
    text = HEADER.format(day=day) + "\n" + yaml.safe_dump(body, sort_keys=False, width=96)
    try:
        parse_organisations(text, shown_path(path), age_bands(engine.flows.values()))
    except FlowError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"added {args.id} in {shown_path(path)}")
    if args.webhook and args.webhook_secret not in cfg.webhook_secrets:
        print(f"set {args.webhook_secret} to the webhook's signing secret", file=sys.stderr)
    return 0


def _orgs(args: argparse.Namespace, cfg: Config) -> int:
    return _add(args, cfg) if args.action == "add" else _list(cfg)


def add_parsers(sub: Any) -> None:
    """Add the ``orgs`` command to the ``carercheck`` parser."""
    orgs = sub.add_parser("orgs", help="organisations that take referrals (flows/organisations/)")
    actions = orgs.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="list them and how referrals reach each")
    add = actions.add_parser("add", help="add one (written to flows/organisations/ID.yaml)")
    add.add_argument("id", help="lowercase letters, digits and _, such as leeds_carers")
    add.add_argument("--name", required=True, help="the name people are told")
    add.add_argument("--areas", required=True, help="postcode districts, areas or places: ls1,ls")
    add.add_argument("--ages", required=True, help="age bands it takes: age_18_25,age_26_64")
    add.add_argument("--roles", required=True, help="carer roles it takes: adult_carer,...")
    add.add_argument("--promise", required=True, help="what it aims to do, and when")
    add.add_argument("--email", action="append", default=[], help="an address for referrals")
    add.add_argument("--email-details", action="store_true", help="e-mails carry the details")
    add.add_argument("--webhook", default=None, help="an https:// URL for signed referrals")
    add.add_argument("--webhook-secret", default=None, help="the setting holding its secret")
    add.add_argument("--example", action="store_true", help="made-up details, for trying out")
    orgs.set_defaults(fn=_orgs)
