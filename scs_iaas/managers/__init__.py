"""Desired state + snapshot -> plan; the plan is printed, then applied idempotently."""
