"""Prometheus metrics: what the service counts, served at ``/metrics`` by every HTTP process.

The metrics live in the process's default registry. Lower layers count where things happen:
storage counts turns (where ``Conversations`` runs one), the referral worker counts delivery
attempts. The engine and the translations stay pure: a missed translation is reported through
the catalogs' ``on_fallback`` hook, which the content loader points at ``translation_fallback``.
Referrals by status are read from the database when Prometheus scrapes (``ReferralsByStatus``).

Labels never hold personal data: channels, methods, results, languages and statuses only.
This module imports nothing else of carercheck, so any layer may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The Prometheus text exposition format."""

TURNS = Counter("carercheck_turns", "Conversation turns run and saved, by channel.", ["channel"])
TURN_SECONDS = Histogram(
    "carercheck_turn_seconds",
    "Time to load, run and save one turn (without sending the reply), by channel.",
    ["channel"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DELIVERY_ATTEMPTS = Counter(
    "carercheck_delivery_attempts",
    "Referral delivery attempts by method and result: delivered, failed (will retry) or "
    "gave_up (no attempt left: dead-lettered).",
    ["method", "result"],
)
FALLBACKS = Counter(
    "carercheck_translation_fallbacks",
    "Messages a catalog had no translation for, by catalog (cy, cy@easyread): shown in English, "
    "or in Easy Read in the language's usual words.",
    ["language"],
)


def turn_done(channel: str, seconds: float) -> None:
    """Count one turn of ``channel`` that took ``seconds``."""
    turns, took = _for_channel(channel)
    turns.inc()
    took.observe(seconds)


@functools.cache
def _for_channel(channel: str) -> tuple[Counter, Histogram]:
    """The channel's counter and histogram (looked up once: a turn pays ~3 µs, not ~7)."""
    return TURNS.labels(channel=channel), TURN_SECONDS.labels(channel=channel)


def delivery_attempt(method: str, result: str) -> None:
    """Count one delivery attempt by ``method`` that ended in ``result``."""
    DELIVERY_ATTEMPTS.labels(method=method, result=result).inc()


def translation_fallback(language: str) -> None:
    """Count one message the catalog ``language`` had no translation for."""
    FALLBACKS.labels(language=language).inc()


class ReferralsByStatus:
    """A gauge read at scrape time: how many referrals there are in each status."""

    def __init__(self, counts: Callable[[], Mapping[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        """The current counts, from the database."""
        gauge = GaugeMetricFamily(
            "carercheck_referrals", "Referrals by status, read when scraped.", labels=["status"]
        )
        for status, n in sorted(self.counts().items()):
            gauge.add_metric([status], n)
        yield gauge


class _Together:
    """Several collectors (or registries) as one."""

    def __init__(self, parts: Iterable[Collector]) -> None:
        self.parts = tuple(parts)

    def collect(self) -> Iterator[Metric]:
        """Everything each part collects, in order."""
        for part in self.parts:
            yield from part.collect()


def exposition(*extra: Collector) -> bytes:
    """The process's metrics and ``extra`` ones, in the Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Together([REGISTRY, *extra]))
    return generate_latest(registry)
