"""scs-0114 volume types: the ``[scs:encrypted, replicated]`` description prefix is well formed;
types with each aspect are recommended. The grammar lives in standards/volume_types; a failed
test is a FAIL here, graded by the certificate's targets in the app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test
from scs_iaas.standards import volume_types as vt

URL = std_url("scs-0114-v1-volume-type-standard")
FIX = "scs-iaas manage volume-types --apply"
SYNTAX = Test(
    vt.SYNTAX_CHECK, vt.STANDARD, vt.VERSION, "volume type descriptions are well formed", FIX, URL
)
ASPECT_TESTS = {
    aspect: Test(
        vt.ASPECT_TEST_IDS[aspect],
        vt.STANDARD,
        vt.VERSION,
        f"an {aspect} volume type is offered"
        if aspect == "encrypted"
        else f"a {aspect} volume type is offered",
        FIX,
        URL,
    )
    for aspect in vt.ASPECTS
}
TESTS = [SYNTAX, *ASPECT_TESTS.values()]


def check_volume_types(types: Sequence[tuple[str, str | None]]) -> list[Finding]:
    """All scs-0114 verdicts for a list of (volume type name, description).

    One syntax finding per type, and one finding per aspect test. Aspects are counted as the
    suite counts them: also from a list that fails the syntax check.
    """
    findings = [_syntax(name, description) for name, description in types]
    for aspect in vt.ASPECTS:
        test = ASPECT_TESTS[aspect]
        having = [name for name, desc in types if aspect in vt.claimed_aspects(desc)]
        if having:
            reason = f"{aspect} volume type(s): {', '.join(having)}"
            findings.append(test.passed(reason, property=aspect))
        else:
            prefix = vt.format_volume_type_description([aspect])
            findings.append(
                test.failed(
                    f"no volume type claims the aspect {aspect!r}",
                    fix=f"offer a {aspect} volume type and start its description with '{prefix}'",
                    property=aspect,
                )
            )
    return findings


def _syntax(name: str, desc: str | None) -> Finding:
    try:
        aspects = vt.parse_volume_type_description(desc)
    except vt.VolumeTypeDescriptionError as exc:
        fixed = [a for a in vt.claimed_aspects(desc) if a in vt.ASPECTS]
        return SYNTAX.failed(
            f"{exc.problem} at offset {exc.position} of {desc!r}",
            name,
            f"start the description with '{vt.format_volume_type_description(fixed)}'"
            if fixed
            else "remove the [scs:…] prefix or name only encrypted/replicated",
        )
    if desc and vt.looks_like_prefix(desc):
        return SYNTAX.warned(
            f"description {desc!r} looks like an aspect list but is not one at its very start",
            name,
            "put '[scs:…]' first, with no leading blank and a closing bracket",
        )
    shown = ", ".join(sorted(aspects)) if aspects else "no aspects"
    return SYNTAX.passed(f"claims {shown}", name)


def run(ctx: Context) -> list[Finding]:
    types = [(t.name, t.description) for t in ctx.snapshot.volume_types]
    out = []
    for f in check_volume_types(types):
        if f.id == vt.ENCRYPTED_TYPE and f.fix:
            # the volume-type manager creates the LUKS type with the right description
            f = replace(f, fix=f"{FIX} ({f.fix})")
        out.append(f)
    if not types:
        out.insert(0, SYNTAX.passed("no volume types visible: nothing to check", "volume types"))
    return out


CHECK = Check(name="scs-0114 volume types", tests=TESTS, needs=frozenset({"volume_types"}), run=run)
