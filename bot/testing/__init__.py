"""Test doubles and runners that ship with the package, for our tests and for hosts' tests."""
