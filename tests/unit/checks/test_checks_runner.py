"""The suite as a whole: every official test id is there, results fold like the official
suite's, and a check that breaks or lacks data ABORTs alone."""

from __future__ import annotations

from pathlib import Path

from helpers_checks import ctx

from scs_iaas.app import grading
from scs_iaas.checks import runner
from scs_iaas.checks import scs_0103_standard_flavors as c0103
from scs_iaas.checks.base import Check
from scs_iaas.model.findings import Finding, Status, Test, fold
from scs_iaas.model.snapshot import FlavorRec, ReadError
from scs_iaas.standards.flavors import standard_flavors

DATA = Path(__file__).resolve().parents[2] / "data"


def official_ids() -> list[str]:
    text = (DATA / "scs-api-test-ids.txt").read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_every_official_id_has_a_check():
    ours = {i for check in runner.all_checks() for i in check.ids()}
    assert [i for i in official_ids() if i not in ours] == []
    assert len(official_ids()) == 84


def test_ids_are_unique_across_checks():
    ids = [i for check in runner.all_checks() for i in check.ids()]
    assert len(ids) == len(set(ids))


def test_select_by_regex():
    names = {c.name for c in runner.select(r"^scs-0103-")}
    assert names == {"scs-0103 standard flavors"}
    assert runner.select(r"^nothing-matches$") == []


def test_results_fold_like_the_official_suite():
    f = [
        Finding("a", "s", "v1", Status.PASS, ""),
        Finding("a", "s", "v1", Status.FAIL, ""),
        Finding("b", "s", "v1", Status.WARN, ""),
        Finding("c", "s", "v1", Status.WARN, "", details={"official": "FAIL"}),
        Finding("d", "s", "v1", Status.SKIP, ""),
        Finding("e", "s", "v1", Status.ABORT, ""),
        Finding("e", "s", "v1", Status.FAIL, ""),
    ]
    assert fold(f) == {
        "a": Status.FAIL,
        "b": Status.PASS,
        "c": Status.FAIL,
        "d": Status.SKIP,
        "e": Status.ABORT,
    }


def test_unreadable_data_and_crashing_check_abort_alone():
    t1 = Test("x-1", "x", "v1", "needs flavors")
    t2 = Test("x-2", "x", "v1", "crashes")
    t3 = Test("x-3", "x", "v1", "works")
    checks = [
        Check("a", [t1], frozenset({"flavors"}), lambda c: [t1.passed("ok")]),
        Check("b", [t2], frozenset(), lambda c: [1 / 0]),  # type: ignore[list-item]
        Check("c", [t3], frozenset(), lambda c: [t3.passed("ok")]),
    ]
    found = runner.run_checks(
        checks, ctx(errors={"flavors": ReadError("flavors", "listing flavors failed: HTTP 403")})
    )
    by = {f.id: f for f in found}
    assert by["x-1"].status == Status.ABORT and "HTTP 403" in by["x-1"].reason
    assert by["x-2"].status == Status.ABORT and "ZeroDivisionError" in by["x-2"].reason
    assert by["x-3"].status == Status.PASS


def spec_flavor(std, **changes):
    fields = dict(id=std.name, name=std.name, vcpus=std.vcpus, ram=std.ram_mib,
                  disk=std.disk_gb or 0, extra_specs=dict(std.extra_specs))  # fmt: skip
    fields.update(changes)
    return FlavorRec(**fields)


def test_0103_all_standard_flavors_pass_and_drift_is_named():
    stds = standard_flavors("all")
    flavors = [spec_flavor(s) for s in stds]
    found = c0103.run(ctx(flavors=tuple(flavors)))
    assert len(found) == 31 and {f.status for f in found} == {Status.PASS}

    two = next(s for s in stds if s.name == "SCS-2V-4-20s")
    broken = [f for f in flavors if f.name != two.name]
    specs = {k: v for k, v in two.extra_specs.items() if k != "scs:disk0-type"}
    broken.append(spec_flavor(two, ram=2048, extra_specs={**specs, "scs:cpu-type": "crowded-core"}))
    res = {f.id: f for f in c0103.run(ctx(flavors=tuple(broken)))}
    reason = res["scs-0103-flavor-2v-4-20s"].reason
    assert res["scs-0103-flavor-2v-4-20s"].status == Status.FAIL
    assert "ram 2048 MiB, expected 4096" in reason
    assert "missing scs:disk0-type=ssd" in reason
    assert "scs:cpu-type=crowded-core, expected shared-core" in reason


def test_0103_found_by_name_v2_spec_under_another_name():
    two = next(s for s in standard_flavors("all") if s.name == "SCS-2V-4")
    renamed = spec_flavor(two, name="m2.small")
    res = {f.id: f for f in c0103.run(ctx(flavors=(renamed,)))}
    assert res["scs-0103-flavor-2v-4"].status == Status.PASS
    assert res["scs-0103-flavor-2v-4"].resource == "flavor m2.small"


def test_0103_missing_recommended_is_warn_but_official_fail():
    res = {f.id: f for f in grading.grade(c0103.run(ctx(flavors=())))}
    assert res["scs-0103-flavor-2v-4-20s"].status == Status.FAIL  # mandatory
    rec = res["scs-0103-flavor-16v-64"]
    assert rec.status == Status.WARN and rec.details["official"] == "FAIL"


def test_grading_follows_the_judged_version():
    s3 = Finding("scs-0123-service-s3", "scs-0123", "v1", Status.FAIL, "no S3")
    own = Finding("scs-iaas-flavor-cpu-policy", "scs-0100", "v3", Status.FAIL, "not pinned")
    lb = Finding("scs-0123-service-load-balancer", "scs-0123", "v1", Status.FAIL, "no LB")
    # scs-0123-service-s3 is a main target only in `next` (scs-0123 v2)
    v51 = {f.id: f for f in grading.grade([s3, own, lb], "v5.1")}
    assert v51["scs-0123-service-s3"].status == Status.WARN
    assert v51["scs-0123-service-s3"].details["official"] == "FAIL"
    assert v51["scs-iaas-flavor-cpu-policy"].status == Status.FAIL
    assert v51["scs-0123-service-load-balancer"].status == Status.FAIL
    nxt = {f.id: f for f in grading.grade([s3], "next")}
    assert nxt["scs-0123-service-s3"].status == Status.FAIL
    assert "official" not in nxt["scs-0123-service-s3"].details
