"""How a delivery reaches an organisation: e-mail over SMTP, or a signed webhook.

Each sender returns a short detail of success ("250 ...", "HTTP 200") or raises
DeliveryFailed with one. Details never hold personal data: they are logged and stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

import aiosmtplib
import httpx

from bot.config import Secret
from bot.engine.organisations import Organisation
from bot.referrals.signing import HEADER, signature
from bot.storage.outbox import Job


class DeliveryFailed(RuntimeError):
    """The receiver did not take it; ``str()`` is the detail to log (no personal data)."""


class Sender(Protocol):
    """Sends one claimed delivery."""

    async def send(self, job: Job, at: datetime) -> str:
        """Deliver ``job``; return a short detail, or raise DeliveryFailed."""


@dataclass(frozen=True)
class Smtp:
    """Where and how to send e-mail."""

    host: str
    port: int = 587
    username: str | None = None
    password: Secret | None = None
    starttls: bool = True
    sender: str = "carercheck@localhost"
    timeout: float = 30.0


class EmailSender:
    """E-mail: by default only the reference and a link to the inbox, never the details."""

    def __init__(
        self, smtp: Smtp, dashboard_url: str, organisations: Mapping[str, Organisation]
    ) -> None:
        self.smtp = smtp
        self.dashboard_url = dashboard_url.rstrip("/")
        self.organisations = organisations

    def message(self, job: Job) -> EmailMessage:
        """The e-mail for ``job``."""
        msg = EmailMessage()
        msg["From"], msg["To"] = self.smtp.sender, job.target
        msg["Message-ID"] = f"<{job.reference}.{job.kind}@carercheck>"  # the same on each retry
        link = f"{self.dashboard_url}/referrals/{job.reference}"
        if job.kind == "erasure":
            msg["Subject"] = f"Erasure request: referral {job.reference}"
            msg.set_content(
                f"The person referred to you as {job.reference} has asked carercheck to delete "
                "their data. The referral had already reached you, so carercheck could not "
                "recall it. Please delete it, and any copies, from your records.\n\n"
                f"{link}\n"
            )
            return msg
        msg["Subject"] = f"New referral {job.reference}"
        body = f"A new referral is waiting in your carercheck inbox.\n\n{link}\n"
        org = self.organisations.get(job.organisation)
        if org is not None and org.email_details:  # the organisation chose to get the details
            body += "\n" + details(job.record)
        msg.set_content(body)
        return msg

    async def send(self, job: Job, at: datetime) -> str:
        """Send it over SMTP."""
        s = self.smtp
        try:
            _, reply = await aiosmtplib.send(
                self.message(job),
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password.reveal() if s.password else None,
                start_tls=s.starttls,
                timeout=s.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"smtp: {type(exc).__name__}") from exc
        return f"smtp: {reply[:80]}"


def details(record: Mapping[str, Any]) -> str:
    """The referral as plain text, for organisations that opted in to details by e-mail."""
    lines = [f"Reference: {record['reference']}", ""]
    lines += list(record.get("details_en", []))
    lines += ["", "What they told us:"]
    for item in record.get("screening", {}).get("answers", []):
        lines += [f"- {item['question']}", f"  {item['answer']}"]
    consent = record.get("consent", {})
    lines += ["", f"Consent given {consent.get('given_at')} (wording {consent.get('version')})."]
    return "\n".join(lines) + "\n"


class WebhookSender:
    """An HTTPS POST of the referral as JSON, signed, with an Idempotency-Key."""

    def __init__(
        self,
        secrets: Mapping[str, Secret],
        client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.secrets = secrets
        self.client = client or httpx.AsyncClient(timeout=timeout)

    @staticmethod
    def body(job: Job) -> bytes:
        """The JSON body: the event, the reference, and for a new referral the referral."""
        event = "referral.erasure_requested" if job.kind == "erasure" else "referral.created"
        data: dict[str, Any] = {
            "event": event,
            "reference": job.reference,
            "organisation": job.organisation,
        }
        if job.kind != "erasure":
            data["referral"] = job.record
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")

    async def send(self, job: Job, at: datetime) -> str:
        """POST it; any 2xx is accepted, anything else (or no answer) fails."""
        secret = self.secrets.get(job.secret_name or "")
        if secret is None:
            raise DeliveryFailed(f"webhook: no secret configured as {job.secret_name}")
        body = self.body(job)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"{job.reference}.{job.kind}",
            HEADER: signature(secret.reveal(), body, int(at.timestamp())),
        }
        try:
            response = await self.client.post(job.target, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook: {type(exc).__name__}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"webhook: HTTP {response.status_code}")
        return f"webhook: HTTP {response.status_code}"

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()
