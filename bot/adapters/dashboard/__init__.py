"""The organisations' dashboard: sign in, the referral inbox, a referral, status changes, CSV."""

from bot.adapters.dashboard.app import Dashboard, build_dashboard

__all__ = ["Dashboard", "build_dashboard"]
