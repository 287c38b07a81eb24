"""The ``carercheck`` command as a real process: restart safety, flows tools, migrations."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.storage.crypto import Cipher
from bot.testing.processes import free_port, listening, wait_until
from bot.testing.telegram import FakeBotApi, updates

ROOT = Path(__file__).resolve().parent.parent
CARERCHECK = [sys.executable, "-m", "bot"]
TOKEN = "123:ABC"
USER = 42


def env_for(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CARERCHECK_") and k != "TELEGRAM_BOT_TOKEN"
    }
    env["CARERCHECK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'chat.db'}"
    env["PYTHONPATH"] = str(ROOT)
    return env


class Process:
    """A running ``carercheck`` whose output is collected by a thread."""

    def __init__(self, args: list[str], tmp_path: Path) -> None:
        self.proc = subprocess.Popen(
            CARERCHECK + args,
            cwd=tmp_path,
            env=env_for(tmp_path),
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.output = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while chunk := os.read(fd, 4096):  # unbuffered: the "> " prompt has no newline
            self.output += chunk.decode("utf-8")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, predicate, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.output):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"gave up waiting; output so far:\n{self.output}")
            time.sleep(0.02)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.output.splitlines() if line.strip()]


@pytest.fixture
def spawn(tmp_path: Path):
    started: list[Process] = []

    def start(args: list[str]) -> Process:
        started.append(Process(args, tmp_path))
        return started[-1]

    yield start
    for proc in started:
        proc.close()


@pytest.mark.slow
def test_a_killed_jsonl_chat_resumes_at_the_same_question(spawn) -> None:
    first = spawn(["chat", "--jsonl", "--user", "kill-me"])
    inputs = ['{"choose": "start"}', '{"choose": "for_myself"}', '{"text": "I am 44"}']
    for n, line in enumerate(inputs):
        first.send(line)
        first.wait_for(lambda out, n=n: out.count("\n") >= n + 2)
    before = first.lines()[-1]
    assert before["node"] == "area"
    first.proc.send_signal(signal.SIGKILL)  # no chance to clean up: the turn was already saved
    first.proc.wait(timeout=10)

    second = spawn(["chat", "--jsonl", "--user", "kill-me"])
    second.wait_for(lambda out: out.count("\n") >= 1)
    resumed = second.lines()[0]
    assert resumed["node"] == "area"
    assert resumed["messages"][-1]["text"] == before["messages"][-1]["text"]
    second.send('{"command": "back"}')
    second.wait_for(lambda out: out.count("\n") >= 2)
    assert second.lines()[1]["node"] == "age_band"  # the earlier answers survived too
    second.proc.stdin.close()
    assert second.proc.wait(timeout=10) == 0


@pytest.mark.slow
def test_ctrl_c_in_the_terminal_then_the_same_user_carries_on(spawn) -> None:
    first = spawn(["chat", "--user", "ctrl-c", "--lang", "en"])
    first.wait_for(lambda out: out.endswith("> "))
    first.send("1")
    first.wait_for(lambda out: "Who is answering" in out and out.endswith("> "))
    first.proc.send_signal(signal.SIGINT)
    assert first.proc.wait(timeout=10) == 0
    first.wait_for(lambda out: "Your answers are saved" in out)

    second = spawn(["chat", "--user", "ctrl-c", "--lang", "en"])
    second.wait_for(lambda out: out.endswith("> "))
    assert second.output.lstrip().startswith("Welcome back. Here is where we were.\n\nQuestion 1")
    assert "Who is answering these questions" in second.output
    second.send("1")
    second.wait_for(lambda out: "How old are you?" in out)
    second.proc.stdin.close()
    assert second.proc.wait(timeout=10) == 0


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = env_for(tmp_path) | env
    return subprocess.run(
        CARERCHECK + args,
        cwd=tmp_path,
        env=full_env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_flows_check_passes_on_the_shipped_flows(tmp_path: Path) -> None:
    result = run(["flows", "check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_flows_check_names_file_flow_and_node(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "broken.yaml").write_text(
        "spec_version: '1.0'\nid: broken\nname: Broken\nexpire_after_minutes: 5\nstart: a\n"
        "nodes:\n  a:\n    say: [Hi]\n    routes: [{goto: nowhere}]\n",
        encoding="utf-8",
    )
    result = run(["flows", "check"], tmp_path, CARERCHECK_FLOWS_DIR=str(flows))
    assert result.returncode == 1
    assert "broken.yaml, flow broken, node a: route to unknown node 'nowhere'" in result.stderr


def test_flows_diagram_draws_an_svg(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    out = tmp_path / "flow.svg"
    result = run(["flows", "diagram", "screening", "-o", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "needs_help" in svg and "outcome_mutual_carer" in svg


def test_flows_diagram_unknown_flow(tmp_path: Path) -> None:
    result = run(["flows", "diagram", "nope", "-o", str(tmp_path / "x.svg")], tmp_path)
    assert result.returncode == 2
    assert "unknown flow 'nope'" in result.stderr


def test_db_upgrade_and_downgrade(tmp_path: Path) -> None:
    up = run(["db", "upgrade"], tmp_path)
    assert up.returncode == 0, up.stderr
    assert "database at revision 0008" in up.stdout
    assert (tmp_path / "chat.db").exists()
    down = run(["db", "downgrade", "base"], tmp_path)
    assert "database at revision none" in down.stdout


def test_db_purge_says_how_many_it_deleted(tmp_path: Path) -> None:
    run(["db", "upgrade"], tmp_path)
    purged = run(["db", "purge"], tmp_path)
    assert purged.returncode == 0, purged.stderr
    assert "deleted 0 conversation(s) kept past their time" in purged.stdout


def test_telegram_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    result = run(["telegram"], tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_telegram_webhook_without_a_secret_refuses_to_run(tmp_path: Path) -> None:
    with FakeBotApi(token=TOKEN) as api:
        result = run(
            ["telegram", "--webhook"],
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            CARERCHECK_TELEGRAM_API_URL=api.base_url,
            CARERCHECK_TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg-hook",
        )
        assert result.returncode == 2
        assert "CARERCHECK_TELEGRAM_WEBHOOK_SECRET" in result.stderr
        assert api.calls == []  # it never reached Telegram
        api.assert_clean()


def stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM, then kill if it lingers; communicate() reaps it and closes its pipes."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=10)


@pytest.mark.slow
def test_telegram_webhook_sets_the_hook_and_only_takes_updates_with_the_secret(
    tmp_path: Path,
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg-hook"
    with FakeBotApi(token=TOKEN) as api:
        env = env_for(tmp_path) | {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "CARERCHECK_TELEGRAM_API_URL": api.base_url,
            "CARERCHECK_TELEGRAM_WEBHOOK_URL": hook,
            "CARERCHECK_TELEGRAM_WEBHOOK_PORT": str(port),
            "CARERCHECK_TELEGRAM_WEBHOOK_SECRET": "s3cret",
            "CARERCHECK_ENCRYPTION_KEYS": Cipher.generate_key(),
        }
        proc = subprocess.Popen(
            [*CARERCHECK, "telegram", "--webhook"],
            cwd=tmp_path,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until(lambda: api.webhook is not None, "setWebhook", proc)
            assert api.webhook is not None
            assert api.webhook["url"] == hook
            assert api.webhook["secret_token"] == "s3cret"
            assert api.webhook["allowed_updates"] == ["message", "callback_query"]
            # PTB may register the hook a moment before its server listens: wait for both.
            wait_until(lambda: listening(port), "the webhook server to listen", proc)

            user = updates.user(USER)
            start = updates.text_message(1, user, updates.chat(USER), "/start")
            update = {"update_id": 20_001, "message": start}
            assert api.post_update(hook, update, secret_token="wrong") in (401, 403)
            assert api.post_update(hook, update) in (401, 403)
            time.sleep(0.3)
            assert api.sent(USER) == []

            assert api.post_update(hook, update, secret_token="s3cret") == 200
            first = "Which language would you like me to use?"
            wait_until(
                lambda: any(m.get("text", "").startswith(first) for m in api.sent(USER)),
                "the language question",
                proc,
            )
        finally:
            stop(proc)
        api.assert_clean()


def test_i18n_stats_prints_a_table_of_every_language(tmp_path: Path) -> None:
    result = run(["i18n", "stats"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["language", "translated", "fuzzy", "machine-drafted", "reviewed"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert {"cy", "ar", "pa_Arab", "en@easyread"} <= set(rows)
    assert all(row[0] == "100.0%" for row in rows.values())


def test_keys_generate_prints_a_fernet_key(tmp_path: Path) -> None:
    made = run(["keys", "generate"], tmp_path)
    assert made.returncode == 0
    Cipher([made.stdout.strip()])  # a usable key


def test_the_worker_and_the_bot_refuse_to_run_without_a_key(tmp_path: Path) -> None:
    for args, extra in ((["worker", "--once"], {}), (["telegram"], {"TELEGRAM_BOT_TOKEN": TOKEN})):
        refused = run(args, tmp_path, **extra)
        assert refused.returncode == 2, refused.stderr
        assert "CARERCHECK_ENCRYPTION_KEYS" in refused.stderr


def test_the_terminal_demo_makes_a_key_file_and_says_so(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*CARERCHECK, "chat", "--jsonl", "--lang", "en"],
        cwd=tmp_path, env=env_for(tmp_path), input="", text=True, capture_output=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    key = tmp_path / "carercheck.key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
    assert "never run a real service this way" in proc.stderr


def test_a_referral_made_in_the_chat_is_delivered_and_its_status_told(tmp_path: Path) -> None:
    golden = json.loads(
        (
            ROOT / "tests/goldens/screening/barbara_asks_the_carers_service_to_phone_her.json"
        ).read_text()
    )
    lines = "\n".join(json.dumps(i) for i in golden["inputs"][:-1]) + "\n"
    key = Cipher.generate_key()
    chat = subprocess.run(
        [*CARERCHECK, "chat", "--jsonl", "--lang", "en"], cwd=tmp_path,
        env=env_for(tmp_path) | {"CARERCHECK_ENCRYPTION_KEYS": key},
        input=lines, text=True, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    outputs = [json.loads(line) for line in chat.stdout.splitlines()]
    reference = next(o["referral"]["reference"] for o in outputs if "referral" in o)
    shown = run(["referrals", "show", reference], tmp_path, CARERCHECK_ENCRYPTION_KEYS=key)
    assert json.loads(shown.stdout)["person"]["email"] == "barbara@example.org"
    told = run(["referrals", "status", reference, "acknowledged", "--note", "We will write soon"],
               tmp_path, CARERCHECK_ENCRYPTION_KEYS=key)  # fmt: skip
    assert told.returncode == 0, told.stderr
    assert "has your referral" in told.stdout and "We will write soon" in told.stdout
    worker = run(["worker", "--once"], tmp_path, CARERCHECK_ENCRYPTION_KEYS=key)
    assert "tried 0 deliveries" in worker.stdout  # no SMTP configured: e-mail waits for it
    assert "CARERCHECK_SMTP_HOST is not set" in worker.stderr
    purged = run(["purge"], tmp_path, CARERCHECK_ENCRYPTION_KEYS=key)
    assert "closed referral" in purged.stdout
    rotated = run(["keys", "rotate"], tmp_path,
                  CARERCHECK_ENCRYPTION_KEYS=f"{Cipher.generate_key()},{key}")  # fmt: skip
    # the referral, its note, and the two messages waiting for the person
    assert "re-encrypted 1 conversation(s) and 4 referral value(s)" in rotated.stdout
