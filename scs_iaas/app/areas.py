"""The areas of `scs-iaas validate WHAT` (as `osism validate flavors`): test-id patterns.

Kept apart (no imports) so that the CLI can offer the words as choices without loading the
checks."""

from __future__ import annotations

from collections.abc import Sequence

VALIDATE = {
    "flavors": r"^scs-0100-|^scs-0103-|^scs-iaas-flavor",
    "images": r"^scs-0102-|^scs-0104-|^scs-iaas-image|^scs-iaas-capi",
    "volume-types": r"^scs-0114-",
    "security-groups": r"^scs-0115-",
    "key-manager": r"^scs-0116-",
    "services": r"^scs-0123-",
    "backup": r"^scs-0117-",
    "confidential-computing": r"^scs-iaas-cc-",
}


def validate_pattern(areas: Sequence[str]) -> str:
    """One --tests pattern for the named areas (`validate flavors images`)."""
    return "|".join(f"(?:{VALIDATE[a]})" for a in areas)
