"""The certificate scope as data: versions, modules, targets, and the official verdict lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Finding, Status, fold
from scs_iaas.standards import scope

SUITE_IDS = Path(__file__).resolve().parents[2] / "data" / "scs-api-test-ids.txt"
# ids the certificate lists that boot VMs or are manual (not in the API-level id list)
NOT_API_LEVEL = {
    "scs-0101-rngd",
    "scs-0101-entropy-avail",
    "scs-0101-fips-test",
    "scs-0117-test-backup",
    "key-manager-docs-check",
    "availability-zones-check",
    "domain-manager-check",
}


def test_default_is_v51_and_effective() -> None:
    assert scope.DEFAULT_VERSION == "v5.1"
    v = scope.get_version("v5.1")
    assert v.status == "effective"
    assert scope.get_version("next").status == "draft"
    assert scope.get_version("v4").status == "deprecated"


def test_unknown_version_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"'v9'.*next, v5\.1, v4") as info:
        scope.get_version("v9")
    assert isinstance(info.value, InputError)
    assert "\n" not in str(info.value)


def test_module_membership_from_the_standards_text() -> None:
    v = scope.get_version("v5.1")
    m0114 = v.module("scs-0114-v1")
    assert m0114.main == ("scs-0114-syntax-check",)
    assert m0114.recommended == ("scs-0114-encrypted-type", "scs-0114-replicated-type")
    m0116 = v.module("scs-0116-v1")
    assert m0116.target_of("scs-0116-permissions") == "main"
    assert m0116.target_of("scs-0116-presence") == "recommended"
    m0102 = v.module("scs-0102-v1")
    assert set(m0102.recommended) == {
        "scs-0102-prop-hash_algo",
        "scs-0102-prop-os_purpose",
        "scs-0102-os_purpose-uniqueness",
        "scs-0102-prop-hypervisor_type",
        "scs-0102-prop-hw_rng_model",
        "scs-0102-prop-hotfix_hours",
    }
    assert "scs-0102-image-recency" in m0102.main
    assert len(v.module("scs-0103-v1").main) == 15
    assert len(v.module("scs-0103-v1").recommended) == 16
    assert all(i.startswith("scs-0123-") for i in v.module("scs-0123-v1").main)


def test_0102_v2_moves_os_purpose_and_uniqueness_to_main() -> None:
    v1 = scope.MODULES["scs-0102-v1"]
    v2 = scope.MODULES["scs-0102-v2"]
    for test_id in ("scs-0102-prop-os_purpose", "scs-0102-os_purpose-uniqueness"):
        assert v1.target_of(test_id) == "recommended"
        assert v2.target_of(test_id) == "main"
    assert set(v1.main) | set(v1.recommended) == set(v2.main) | set(v2.recommended)


def test_v4_uses_the_older_image_module() -> None:
    ids = [m.id for m in scope.get_version("v4").modules]
    assert "scs-0104-v1-1" in ids and "scs-0104-v1-2" not in ids
    assert "scs-0114-v1" not in ids


def test_no_id_is_both_main_and_recommended() -> None:
    for v in scope.versions():
        assert not set(v.ids("main")) & set(v.ids("recommended")), v.name


def test_every_api_level_id_is_one_the_suite_prints() -> None:
    if not SUITE_IDS.exists():
        pytest.skip(f"{SUITE_IDS} (copy of the suite's id list) is not in this checkout")
    printed = {
        line.strip()
        for line in SUITE_IDS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for v in scope.versions():
        ids = set(v.ids("main")) | set(v.ids("recommended")) | set(v.ids("preview"))
        assert ids - printed <= NOT_API_LEVEL, v.name


def test_status_on_follows_the_timeline() -> None:
    assert scope.status_on("v4", date(2025, 1, 1)) == "effective"
    assert scope.status_on("v4", date(2025, 3, 1)) == "warn"
    assert scope.status_on("v4", date(2025, 7, 1)) == "deprecated"
    assert scope.status_on("next", date(2025, 9, 8)) == "deprecated"
    assert scope.status_on("next", date(2026, 6, 11)) == "draft"
    assert scope.status_on("v5.1", date(2026, 8, 1)) == "effective"


def all_pass(version: str) -> dict[str, Status]:
    v = scope.get_version(version)
    return {i: Status.PASS for i in v.ids("main") + v.ids("recommended")}


def test_verdict_all_passed() -> None:
    results = all_pass("v5.1")
    vv = scope.verdict("v5.1", results, subject="mycloud")
    n = len(scope.get_version("v5.1").ids("main"))
    assert (vv.main, vv.recommended) == ("PASS", "PASS")
    assert vv.line == f"- main: PASS ({n} passed)"
    assert vv.lines[0] == "mycloud SCS-compatible IaaS v5.1:"
    assert (vv.passed, vv.failed, vv.aborted, vv.missing) == (n, 0, 0, 0)


def test_verdict_fail_counts_failed_and_aborted() -> None:
    results = all_pass("v5.1")
    results["scs-0100-syntax-check"] = Status.FAIL
    results["scs-0115-default-rules"] = Status.ABORT
    vv = scope.verdict("v5.1", results)
    n = len(scope.get_version("v5.1").ids("main"))
    assert vv.main == "FAIL"
    assert vv.line == f"- main: FAIL ({n - 2} passed, 1 failed, 1 aborted)"
    assert vv.targets[0].failed == ("scs-0100-syntax-check",)
    assert vv.targets[0].aborted == ("scs-0115-default-rules",)


def test_verdict_missing_is_tentative() -> None:
    results = all_pass("v5.1")
    del results["scs-0117-test-backup"]
    results["scs-0101-rngd"] = Status.SKIP
    vv = scope.verdict("v5.1", results)
    n = len(scope.get_version("v5.1").ids("main"))
    assert vv.main == "TENTATIVE"
    assert vv.line == f"- main: TENTATIVE pass ({n - 2} passed, 2 missing)"
    assert vv.missing == 2


def test_verdict_warn_counts_as_passed_and_recommended_is_separate() -> None:
    results = all_pass("v5.1")
    results["scs-0102-prop-min_ram"] = Status.WARN
    results["scs-0114-encrypted-type"] = Status.FAIL
    vv = scope.verdict("v5.1", results)
    assert vv.main == "PASS"
    assert vv.recommended == "FAIL"
    assert vv.lines[2].startswith("- recommended: FAIL (")


def test_verdict_accepts_status_names() -> None:
    results = {k: str(v) for k, v in all_pass("v4").items()}
    assert scope.verdict("v4", results).main == "PASS"


def test_verdict_unknown_version() -> None:
    with pytest.raises(ValueError, match="valid"):
        scope.verdict("v6", {})


def test_the_fold_takes_the_worst_official_result() -> None:
    findings = [
        Finding("a", "s", "v1", Status.PASS, "ok"),
        Finding("a", "s", "v1", Status.WARN, "recommended, failed", details={"official": "FAIL"}),
        Finding("b", "s", "v1", Status.WARN, "low but fine"),
        Finding("c", "s", "v1", Status.FAIL, "crash", details={"official": "ABORT"}),
    ]
    assert fold(findings, vacuous=["d"]) == {
        "a": Status.FAIL,
        "b": Status.PASS,
        "c": Status.ABORT,
        "d": Status.PASS,
    }


def test_grade_downgrades_recommended_failures_only() -> None:
    m = scope.MODULES["scs-0114-v1"]

    def graded(test_id: str, status: Status) -> Status:
        [f] = scope.grade([Finding(test_id, "scs-0114", "v1", status, "")], [m])
        return f.status

    assert graded("scs-0114-syntax-check", Status.FAIL) is Status.FAIL
    assert graded("scs-0114-encrypted-type", Status.FAIL) is Status.WARN
    assert graded("scs-0114-encrypted-type", Status.PASS) is Status.PASS
    assert graded("scs-0114-encrypted-type", Status.SKIP) is Status.SKIP


def test_verdict_abort_alone_fails() -> None:
    results = all_pass("v5.1")
    results["scs-0115-default-rules"] = Status.ABORT
    vv = scope.verdict("v5.1", results)
    assert vv.main == "FAIL"
    assert vv.line.endswith("passed, 1 aborted)")


def test_effective_version_follows_the_timeline() -> None:
    from datetime import date

    assert scope.effective_on(date(2026, 11, 24)) == "v5.1"
    assert scope.effective_on(date(2025, 1, 15)) == "v5.1"
    assert scope.effective_on(date(2020, 1, 1)) == scope.DEFAULT_VERSION
