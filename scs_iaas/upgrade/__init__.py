"""Upgrade readiness: release tables as data, detection from APIs, path rules."""
