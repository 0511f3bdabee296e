"""Tests added because a mutant of a security-critical module survived (scripts/mutation.py)."""
