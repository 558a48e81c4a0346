"""scs-0114 volume types: the ``[scs:encrypted, replicated]`` description prefix is well formed;
types with each aspect are recommended. The rules themselves live in standards/volume_types."""

from __future__ import annotations

from dataclasses import replace

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.model.findings import Finding
from scs_iaas.standards import volume_types as vt

URL = std_url("scs-0114-v1-volume-type-standard")
FIX = "scs-iaas manage volume-types --apply"
TESTS = [
    Test(
        vt.SYNTAX_CHECK,
        vt.STANDARD,
        vt.VERSION,
        "volume type descriptions are well formed",
        FIX,
        URL,
    ),
    Test(
        vt.ENCRYPTED_TYPE, vt.STANDARD, vt.VERSION, "an encrypted volume type is offered", FIX, URL
    ),
    Test(
        vt.REPLICATED_TYPE, vt.STANDARD, vt.VERSION, "a replicated volume type is offered", FIX, URL
    ),
]


def run(ctx: Context) -> list[Finding]:
    types = [(t.name, t.description) for t in ctx.snapshot.volume_types]
    out = []
    for rf in vt.check_volume_types(types):
        f = rf.to_finding()
        if f.id == vt.ENCRYPTED_TYPE and f.fix:
            # the volume-type manager creates the LUKS type with the right description
            f = replace(f, fix=f"{FIX} ({f.fix})")
        out.append(f)
    if not types:
        out.insert(0, TESTS[0].passed("no volume types visible: nothing to check", "volume types"))
    return out


CHECK = Check(
    name="scs-0114 volume types",
    tests=TESTS,
    needs=frozenset({"volume_types"}),
    run=run,
)
