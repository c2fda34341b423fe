"""Hostile-input acceptance tests of the CLI (a package: its conftest must not shadow tests/conftest.py)."""
