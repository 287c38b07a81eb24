"""``carercheck orgs add`` and ``carercheck users reset``, run in this process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import build_engine
from bot.engine.organisations import route
from bot.storage import connect, upgrade
from bot.storage.accounts import AccountStore
from bot.storage.passwords import Passwords

ROOT = Path(__file__).resolve().parent.parent
ADD = [
    "orgs", "add", "leeds_carers", "--name", "Carers Leeds (example)", "--areas", "ls1,ls",
    "--ages", "age_18_25,age_26_64,age_65_plus", "--roles", "adult_carer,mutual_carer",
    "--promise", "We aim to call you within 3 working days.",
    "--email", "referrals@leeds.example.org", "--example",
]  # fmt: skip


@pytest.fixture
def flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", copy)
    monkeypatch.chdir(tmp_path)
    for key in ("CARERCHECK_FLOWS_DIR", "CARERCHECK_DATABASE_URL", "CARERCHECK_DASHBOARD_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CARERCHECK_FLOWS_DIR", str(copy))
    monkeypatch.setenv("CARERCHECK_LOCALES_DIR", str(ROOT / "locales"))
    monkeypatch.setenv("CARERCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("CARERCHECK_DASHBOARD_URL", "https://dash.example.org")
    return copy


def test_orgs_add_writes_a_checked_entry_the_bot_then_routes_to(
    flows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(ADD) == 0
    written = flows / "organisations" / "leeds_carers.yaml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    entry = data["organisations"][0]
    assert data["spec_version"] == "1.0" and entry["checked_on"]
    assert entry["delivery"] == [{"method": "email", "address": "referrals@leeds.example.org"}]
    engine = build_engine(flows, ROOT / "locales")
    found = route(engine.organisations.values(), area="ls1", age="age_26_64",
                  roles=["adult_carer"])  # fmt: skip
    assert found is not None and found.id == "leeds_carers"
    assert main(["orgs", "list"]) == 0
    assert "leeds_carers: Carers Leeds (example) (example details); delivery: inbox, email" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (["--ages", "age_200_plus"], "unknown age band(s): age_200_plus"),
        (["--roles", "carer_of_cats"], "unknown role(s): carer_of_cats"),
        (["--email", "not an address"], "delivery e-mail address"),
        (["--webhook", "http://example.org/hook", "--webhook-secret", "CARERCHECK_X"], "https"),
    ],
)
def test_orgs_add_refuses_a_bad_entry_and_writes_nothing(
    flows: Path, capsys: pytest.CaptureFixture[str], change: list[str], says: str
) -> None:
    args = list(ADD)
    for i in range(0, len(change), 2):
        if change[i] in args and change[i] != "--email":
            args[args.index(change[i]) + 1] = change[i + 1]
        else:
            args += change[i : i + 2]
    assert main(args) == 2
    assert says in capsys.readouterr().err
    assert not (flows / "organisations" / "leeds_carers.yaml").exists()


def test_orgs_add_refuses_an_id_that_exists(
    flows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = list(ADD)
    args[2] = "llr_carers_support"
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err


def test_an_organisation_id_used_in_two_files_is_refused(flows: Path) -> None:
    assert main(ADD) == 0
    shutil.copy(flows / "organisations" / "leeds_carers.yaml", flows / "organisations" / "z.yaml")
    with pytest.raises(ValueError, match="organisation id used in another file"):
        build_engine(flows, ROOT / "locales")


def test_users_reset_prints_a_one_time_link(
    flows: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    db = connect(f"sqlite:///{tmp_path / 'cli.db'}")
    upgrade(db)
    AccountStore(db).add("olive@example.org", "Olive", organisation="llr_carers_support",
                         role="org_admin", password="a long first password",
                         at=datetime.now(UTC))  # fmt: skip
    assert main(["users", "reset", "Olive@Example.org"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://dash.example.org/reset/")
    token = link.rsplit("/", 1)[1]
    assert Passwords(db).reset(token, "a new long password", datetime.now(UTC)) is not None
    assert main(["users", "reset", "nobody@example.org"]) == 2
