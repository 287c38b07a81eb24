"""Referrals after consent: delivery to organisations, and what the person is told."""
