"""What encryption at rest costs a turn: Fernet on a real session, median of 5 runs.

A session is stored encrypted only while it holds personal details (referral details, or the
person's own words); every other turn is stored as plain JSON and pays nothing. Compare the
numbers with a stored turn in ``bench/engine.py --mode sqlite``.
"""

from __future__ import annotations

import json
import statistics
import sys
import timeit
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.jsonl import parse  # noqa: E402
from bot.content import build_engine  # noqa: E402
from bot.testing.keys import fixed_cipher  # noqa: E402

PERSONA = ROOT / "tests/goldens/screening/barbara_asks_the_carers_service_to_phone_her.json"
RUNS, CALLS = 5, 2000


def session_json() -> str:
    """Barbara's session at the consent question: the biggest a session gets."""
    engine = build_engine(ROOT / "flows", ROOT / "locales")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    session = engine.new_session(at=at)
    session.start()
    for raw in json.loads(PERSONA.read_text(encoding="utf-8"))["inputs"][:-2]:
        at += timedelta(minutes=1)
        session.resume(parse(json.dumps(raw), at))
    assert session.private
    return session.to_json()


def main() -> None:
    """Print the median time to encrypt and to decrypt one session."""
    text, cipher = session_json(), fixed_cipher()
    token = cipher.encrypt(text)
    print(f"session JSON: {len(text)} bytes; encrypted: {len(token)} bytes")
    for name, call in (("encrypt", lambda: cipher.encrypt(text)),
                       ("decrypt", lambda: cipher.decrypt(token))):  # fmt: skip
        runs = [timeit.timeit(call, number=CALLS) / CALLS * 1e6 for _ in range(RUNS)]
        print(f"{name}: median {statistics.median(runs):.1f} µs (runs: "
              + ", ".join(f"{r:.1f}" for r in runs) + ")")  # fmt: skip


if __name__ == "__main__":
    main()
