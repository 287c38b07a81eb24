"""deploy/: the Dockerfile, compose.yaml, Caddyfile and systemd units agree with the code.

Docker is not needed: the files are parsed, their commands run through carercheck's own
parser, and what each service is given is checked against ``config check``'s needs.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema_rs import validator_for

from bot.cli import parser
from bot.content import build_engine
from bot.settings import SETTINGS, setting
from bot.testing.workers import SERVICE_ENV

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENTRYPOINTS = {
    ("dashboard",),
    ("telegram", "--webhook"),
    ("worker",),
    ("db", "upgrade"),
    ("purge",),
    ("serve",),
}
"""Every carercheck command the Dockerfile, compose.yaml and the systemd units run; each is
started by test_deploy_run.py."""
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def commands_of(p: Any) -> set[str]:
    """The names of the parser's subcommands."""
    return {name for a in p._actions if a.choices and a.dest == "cmd" for name in a.choices}


def entrypoint_param(command: tuple[str, ...]) -> Any:
    """A parametrize case named after the command."""
    return pytest.param(command, id=" ".join(command))


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def carercheck_services() -> dict[str, dict[str, Any]]:
    return {
        name: svc
        for name, svc in compose()["services"].items()
        if svc.get("image", "").startswith("carercheck")
    }


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def unit(path: Path) -> list[tuple[str, str, str]]:
    """A systemd unit file as (section, key, value) rows, repeated keys kept."""
    rows, section = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]")
        elif line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            rows.append((section, key, value))
    return rows


def values(rows: list[tuple[str, str, str]], key: str) -> list[str]:
    return [v for _, k, v in rows if k == key]


def services_units() -> list[Path]:
    return sorted((DEPLOY / "systemd").glob("*.service"))


def argv_after_carercheck(words: list[str]) -> tuple[str, ...]:
    assert Path(words[0]).name == "carercheck", words
    return tuple(words[1:])


def test_compose_follows_the_compose_specification() -> None:
    schema = json.loads((Path(__file__).parent / "data" / "compose-spec.json").read_text())
    errors = [
        f"{e.instance_path}: {e.message}" for e in validator_for(schema).iter_errors(compose())
    ]
    assert errors == []


def test_the_files_run_exactly_the_listed_commands() -> None:
    found = set()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile(), re.M)
    assert cmd, "the Dockerfile has no CMD in exec form"
    found.add(argv_after_carercheck(json.loads(cmd.group(1))))
    for svc in carercheck_services().values():
        found.add(argv_after_carercheck(svc["command"]))
    for path in services_units():
        (exec_start,) = values(unit(path), "ExecStart")
        found.add(argv_after_carercheck(shlex.split(exec_start)))
    assert found == ENTRYPOINTS


@pytest.mark.parametrize("command", [entrypoint_param(c) for c in sorted(ENTRYPOINTS)])
def test_each_command_is_one_carercheck_has(command: tuple[str, ...]) -> None:
    args = parser().parse_args(list(command))
    assert callable(args.fn)


def test_compose_and_the_image_set_only_settings_in_the_table() -> None:
    names = set()
    for svc in compose()["services"].values():
        names |= {n for n in svc.get("environment", {}) if not n.startswith("POSTGRES_")}
    names |= set(re.findall(r"^\s+(CARERCHECK_[A-Z_]+)=", dockerfile(), re.M))
    for path in services_units():
        for assignment in values(unit(path), "Environment"):
            name = assignment.partition("=")[0]
            names |= {name} if name.startswith("CARERCHECK_") else set()
    assert names
    for name in sorted(names):
        setting(name)  # KeyError: not in bot/settings.py


def test_compose_only_reads_names_that_env_example_lists() -> None:
    lines = (DEPLOY / "compose.yaml").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / ".env.example").read_text(), re.M))
    assert used <= listed
    assert used >= COMPOSE_ONLY


def test_compose_gives_every_service_what_config_check_says_it_needs() -> None:
    from bot.configcheck import needed, role_for

    organisations = build_engine(ROOT / "flows").organisations.values()
    for name, svc in carercheck_services().items():
        env = svc["environment"]
        assert env["CARERCHECK_DATABASE_URL"].startswith("postgresql+psycopg://"), name
        role = role_for(svc["command"][1:])
        for wanted in needed(role, organisations) if role else {}:
            assert wanted in env, f"{name} needs {wanted}"
            assert ":?" in env[wanted], f"{name}: compose must refuse to start without {wanted}"


def test_every_service_waits_for_the_migration_and_has_a_healthcheck() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["carercheck", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name, svc in carercheck_services().items():
        if name != "migrate":
            assert svc["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
            assert svc["healthcheck"]["test"][0] == "CMD", name
            env = svc["environment"]
            port = next(
                v for k, v in env.items() if k.endswith("_PORT") and k != "CARERCHECK_SMTP_PORT"
            )
            assert f"http://127.0.0.1:{port}/healthz" in " ".join(svc["healthcheck"]["test"]), name
    assert "healthcheck" in services["db"] and "healthcheck" in services["proxy"]
    # Over TCP, which the image's first-start server (on the Unix socket only) does not answer.
    assert "--host=127.0.0.1" in services["db"]["healthcheck"]["test"]
    bots = [
        n for n, s in carercheck_services().items() if s["command"][1:] == ["telegram", "--webhook"]
    ]
    assert len(bots) == 2


def test_every_port_is_reachable_from_the_other_containers() -> None:
    """Each carercheck service listens on every address of its container, in compose.yaml and
    in the image: Caddy and your monitoring reach its port over the compose network. (The
    worker's /healthz answered its healthcheck, but its /metrics was on the container's own
    127.0.0.1 only.)"""
    image = dict(re.findall(r"\b(CARERCHECK_\w+_LISTEN)=(\S+)", dockerfile()))
    exposed = re.findall(r"^EXPOSE (.+)$", dockerfile(), re.M)[0].split()
    for name, svc in carercheck_services().items():
        env = svc["environment"]
        for key, port in env.items():
            if key.endswith("_PORT") and key != "CARERCHECK_SMTP_PORT":
                listen = key.removesuffix("_PORT") + "_LISTEN"
                assert setting(listen).default == "127.0.0.1", listen
                assert env.get(listen) == "0.0.0.0", (name, listen)
                assert image.get(listen) == "0.0.0.0", listen
                assert port in exposed, (name, port)


def caddy_routes() -> dict[str, set[str]]:
    """Caddyfile ``handle`` blocks: path (or "*") to upstreams, or {"respond"}."""
    text = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    routes = {}
    for path, body in re.findall(r"handle ?(\S*) \{\n(.*?)\n\t\}", text, re.S):
        proxy = re.search(r"reverse_proxy ([^{\n]+)", body)
        routes[path or "*"] = set(proxy.group(1).split()) if proxy else {"respond"}
    return routes


def test_caddy_sends_the_webhook_to_the_bots_and_the_rest_to_the_dashboard() -> None:
    services = carercheck_services()
    routes = caddy_routes()
    bots = {n: s for n, s in services.items() if s["command"][1:] == ["telegram", "--webhook"]}
    for svc in bots.values():
        env = svc["environment"]
        assert env["CARERCHECK_TELEGRAM_WEBHOOK_URL"].startswith("${CARERCHECK_DASHBOARD_URL:?")
        path = "/" + env["CARERCHECK_TELEGRAM_WEBHOOK_URL"].split("}/", 1)[1]
        port = env["CARERCHECK_TELEGRAM_WEBHOOK_PORT"]
        assert env["CARERCHECK_TELEGRAM_WEBHOOK_LISTEN"] == "0.0.0.0"
    assert routes[path] == {f"{name}:{port}" for name in bots}
    dashboard = services["dashboard"]["environment"]
    assert routes["*"] == {f"dashboard:{dashboard['CARERCHECK_DASHBOARD_PORT']}"}
    assert routes["/metrics*"] == {"respond"}
    proxy = compose()["services"]["proxy"]
    assert "{$CARERCHECK_DASHBOARD_URL}" in (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "CARERCHECK_DASHBOARD_URL" in proxy["environment"]
    subnet = compose()["networks"]["frontend"]["ipam"]["config"][0]["subnet"]
    assert dashboard["CARERCHECK_DASHBOARD_TRUSTED_PROXIES"] == subnet
    assert set(proxy["networks"]) == {"frontend"}  # Caddy cannot reach the database
    assert compose()["networks"]["backend"]["internal"] is True


def ci_packages() -> set[str]:
    """The system packages CI installs for the bot (the browser is only for tests)."""
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return set(re.findall(r"missing\+=\(([a-z0-9-]+)\)", text)) - {"chromium"}


def test_the_image_is_built_in_stages_and_runs_unprivileged() -> None:
    text = dockerfile()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    assert re.search(r"^COPY --from=build ", text, re.M)
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", text, re.M)
    installed = set(re.findall(r"apt-get install[^&]*", text, re.S)[0].split())
    assert ci_packages() and ci_packages() <= installed
    fonts = setting("CARERCHECK_FONTS_DIR").default
    assert fonts == "/usr/share/fonts/truetype/noto"  # where Debian's fonts-noto-core puts them


def test_the_image_and_the_units_run_carercheck_as_the_tests_run_workers() -> None:
    service = values(unit(DEPLOY / "systemd" / "carercheck.service"), "Environment")
    admin = (DEPLOY / "systemd" / "carercheck-admin").read_text(encoding="utf-8")
    for name, value in SERVICE_ENV.items():
        assert re.search(rf"^\s+{name}={value} ", dockerfile(), re.M), name
        assert f"{name}={value}" in service, name
        assert f"--property=Environment={name}={value} " in admin, name


def test_what_runs_optimized_is_compiled_optimized_where_it_is_installed() -> None:
    """Without its ``.opt-2.pyc`` files, each start would compile every module again."""
    assert SERVICE_ENV["PYTHONOPTIMIZE"] == "2"
    assert re.search(r"/opt/carercheck/bin/python -OO -m compileall -q /opt/carercheck/lib\b",
                     dockerfile())  # fmt: skip
    guide = (DEPLOY / "README.md").read_text(encoding="utf-8")
    installs = re.findall(r"^sudo /opt/carercheck/venv/bin/pip install .*$", guide, re.M)
    compiles = re.findall(
        r"^sudo /opt/carercheck/venv/bin/python -OO -m compileall -q /opt/carercheck/venv/lib$",
        guide,
        re.M,
    )
    assert installs and len(compiles) == len(installs)


def test_the_units_are_hardened() -> None:
    for path in services_units():
        rows = unit(path)
        first = {k: v for _, k, v in reversed(rows)}
        assert first.get("User") not in (None, "root") or first.get("DynamicUser") == "yes"
        assert first["ProtectSystem"] == "strict"
        assert first["NoNewPrivileges"] == "yes"
        assert first["StateDirectory"] == "carercheck"
        assert first["EnvironmentFile"] == "/etc/carercheck/carercheck.env"
        assert first["CapabilityBoundingSet"] == ""
    timer = unit(DEPLOY / "systemd" / "carercheck-purge.timer")
    assert (DEPLOY / "systemd" / "carercheck-purge.service").exists()
    assert values(timer, "OnCalendar") and values(timer, "Persistent") == ["yes"]


def test_the_admin_helper_runs_commands_as_the_service_does() -> None:
    rows = unit(DEPLOY / "systemd" / "carercheck.service")
    helper = (DEPLOY / "systemd" / "carercheck-admin").read_text(encoding="utf-8")
    for key in ("User", "Group", "EnvironmentFile", "WorkingDirectory", "StateDirectory",
                "CacheDirectory", "Environment", "UMask"):  # fmt: skip
        for value in values(rows, key):
            assert f"--property={key}={value}" in helper, key
    (exec_start,) = values(rows, "ExecStart")
    assert shlex.split(exec_start)[0] + ' "$@"' in helper


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    carercheck = Path(sys.executable).with_name("carercheck")
    for path in [*services_units(), DEPLOY / "systemd" / "carercheck-purge.timer"]:
        text = path.read_text(encoding="utf-8")
        (tmp_path / path.name).write_text(
            text.replace("/opt/carercheck/venv/bin/carercheck", str(carercheck)), "utf-8"
        )
    names = [str(tmp_path / p.name) for p in [*services_units()]] + [
        str(tmp_path / "carercheck-purge.timer")
    ]
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_every_setting_without_a_default_that_a_role_needs_is_in_env_example() -> None:
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    for s in SETTINGS:
        if s.needed_by and not s.family:
            assert re.search(rf"^{s.name}=$", text, re.M), s.name
