"""The certificate scope read from the official YAML: versions, modules, targets, timeline,
and the verdict lines as ``scs-compliance-check.py`` prints them."""

from __future__ import annotations

import copy
import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Finding, Status, fold
from scs_iaas.standards import scope
from tests.peers import SKIP_REASON, standards_dir

SUITE_IDS = Path(__file__).resolve().parents[2] / "data" / "scs-api-test-ids.txt"
# ids the certificate lists that boot VMs or are manual (not in the API-level id list)
NOT_API_LEVEL = {
    "scs-0101-entropy-avail",
    "scs-0101-fips-test",
    "scs-0117-test-backup",
    "key-manager-docs-check",
    "availability-zones-check",
    "domain-manager-check",
}
SC = scope.default_scope()


def raw_doc() -> dict[str, Any]:
    doc = yaml.safe_load(scope.packaged_text(scope.PACKAGED_FILE))
    assert isinstance(doc, dict)
    return doc


def test_the_packaged_copy_names_its_commit() -> None:
    src = scope.pinned_source()
    assert src["commit"] == "077174d9"
    assert "077174d9" in SC.source
    assert SC.uuid == "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f"
    assert SC.name == "SCS-compatible IaaS"


def test_the_packaged_copy_is_the_peers_file_unmodified() -> None:
    peers = standards_dir()
    if peers is None:
        pytest.skip(SKIP_REASON)
    for name, path in scope.pinned_source()["files"].items():
        ours = scope.packaged_text(name).encode()
        theirs = (peers / path).read_bytes()
        assert hashlib.sha256(ours).digest() == hashlib.sha256(theirs).digest(), name


def test_versions_and_timeline_come_from_the_file() -> None:
    assert [v.name for v in SC.versions] == ["next", "v5.1", "v4", "v3"]
    assert SC.version("v5.1").stabilized_at == date(2024, 12, 19)
    assert SC.version("next").stabilized_at is None
    assert SC.status_on("v5.1", date(2026, 12, 1)) == "effective"
    assert SC.status_on("next", date(2026, 12, 1)) == "draft"
    assert SC.status_on("v4", date(2026, 12, 1)) == "deprecated"
    assert SC.status_on("v4", date(2025, 1, 1)) == "effective"
    assert SC.status_on("v4", date(2025, 3, 1)) == "warn"
    assert SC.status_on("next", date(2025, 9, 8)) == "deprecated"
    assert SC.status_on("v5.1", date(2020, 1, 1)) == "deprecated"


def test_valid_on_is_what_the_official_tool_checks_by_default() -> None:
    assert [v.name for v in SC.valid_on(date(2026, 12, 1))] == ["next", "v5.1"]
    assert [v.name for v in SC.valid_on(date(2025, 3, 1))] == ["v5.1", "v4", "v3"]
    assert SC.valid_on(date(2020, 1, 1)) == ()


def test_effective_version_follows_the_timeline() -> None:
    assert scope.effective_on(date(2026, 11, 24)) == "v5.1"
    assert scope.effective_on(date(2025, 1, 15)) == "v5.1"
    assert scope.effective_on(date(2020, 1, 1)) == scope.DEFAULT_VERSION


def test_v51_has_one_target_with_54_ids_and_next_55() -> None:
    v51, nxt = SC.version("v5.1"), SC.version("next")
    assert list(v51.targets) == ["main"] and list(nxt.targets) == ["main"]
    assert len(v51.ids("main")) == 54
    assert len(nxt.ids("main")) == 55
    assert "scs-0101-rngd" not in v51.ids("main")
    assert {"scs-0101-entropy-avail", "scs-0101-fips-test"} <= set(v51.ids("main"))
    # next: scs-0102-v2 and scs-0123-v2 instead of -v1
    assert "scs-0102-prop-os_purpose" in nxt.ids("main")
    assert "scs-0102-prop-os_purpose" not in v51.ids("main")
    assert "scs-0123-service-s3" in nxt.ids("main")
    assert "scs-0123-service-placement" not in nxt.ids("main")
    assert v51.ids("main") == tuple(sorted(v51.ids("main")))


def test_no_version_includes_rec_or_manual_modules() -> None:
    for v in SC.versions:
        for m in v.modules:
            assert not m.id.endswith(("-rec", "-manual")), (v.name, m.id)
        assert v.ids("recommended") == ()


def test_rec_modules_are_companions() -> None:
    rec = [m.id for m in SC.companions(SC.version("v5.1"))]
    assert rec == [
        "scs-0102-v1-rec",
        "scs-0103-v1-rec",
        "scs-0104-v1-2-rec",
        "scs-0114-v1-rec",
        "scs-0116-v1-rec",
    ]
    assert SC.modules["scs-0114-v1-rec"].recommended == (
        "scs-0114-encrypted-type",
        "scs-0114-replicated-type",
    )
    assert len(SC.modules["scs-0103-v1-rec"].recommended) == 16
    m = SC.modules["scs-0102-v1"]
    assert (m.standard, m.version) == ("scs-0102", "v1")
    assert SC.modules["scs-0100-v3.1"].version == "v3.1"


def test_manual_checks_are_not_automated() -> None:
    assert not SC.testcases["domain-manager-check"].automated
    assert SC.testcases["scs-0100-syntax-check"].automated
    assert SC.testcases["scs-0100-syntax-check"].description.startswith("Flavor names")


def test_unknown_version_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"'v9'.*next, v5\.1, v4, v3") as info:
        scope.get_version("v9")
    assert isinstance(info.value, InputError)
    assert "\n" not in str(info.value)


def test_every_api_level_id_is_one_the_suite_prints() -> None:
    if not SUITE_IDS.exists():
        pytest.skip(f"{SUITE_IDS} (copy of the suite's id list) is not in this checkout")
    printed = {
        line.strip()
        for line in SUITE_IDS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for v in SC.versions:
        assert set(v.ids("main")) - printed <= NOT_API_LEVEL, v.name


# --- a newer copy (--scope FILE) --------------------------------------------------------------


def test_a_newer_copy_with_another_version_is_read() -> None:
    doc = raw_doc()
    doc["versions"].insert(0, {"version": "v6", "include": ["scs-0100-v3.1"]})
    doc["timeline"].insert(0, {"date": date(2027, 1, 1), "versions": {"v6": "effective"}})
    sc = scope.parse_scope(doc, "new.yaml")
    assert sc.effective_on(date(2027, 2, 1)) == "v6"
    assert sc.version("v6").ids() == ("scs-0100-semantics-check", "scs-0100-syntax-check")
    assert sc.source == "new.yaml"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("uuid"), "new.yaml: uuid: missing"),
        (lambda d: d.update(extra=1), "new.yaml: top level: unknown keys: extra"),
        (
            lambda d: d["versions"][0]["include"].append("scs-9999-v1"),
            "new.yaml: version next: includes unknown module 'scs-9999-v1'",
        ),
        (
            lambda d: d["modules"][1]["targets"]["main"].append("nope"),
            "new.yaml: module scs-0100-v3.1: unknown test id 'nope'",
        ),
        (
            lambda d: d["timeline"][0]["versions"].update(v9="draft"),
            "new.yaml: timeline[0]: unknown version 'v9'",
        ),
        (
            lambda d: d["timeline"][0].update(date="soon"),
            "new.yaml: timeline[0]: date: not a date: 'soon'",
        ),
    ],
)
def test_a_broken_copy_is_named_in_one_line(change: Any, message: str) -> None:
    doc = copy.deepcopy(raw_doc())
    change(doc)
    with pytest.raises(InputError) as info:
        scope.parse_scope(doc, "new.yaml")
    assert str(info.value) == message


def test_a_copy_that_is_no_mapping() -> None:
    with pytest.raises(InputError, match="top level: not a mapping"):
        scope.parse_scope(["a"], "x.yaml")


# --- verdicts ---------------------------------------------------------------------------------


def all_pass(version: str) -> dict[str, Status]:
    return {i: Status.PASS for i in scope.get_version(version).ids("main")}


def test_verdict_all_passed() -> None:
    vv = scope.verdict("v5.1", all_pass("v5.1"), subject="mycloud")
    assert vv.main == "PASS"
    assert vv.lines == ("mycloud SCS-compatible IaaS v5.1:", "- main: PASS (54 passed)")


def test_verdict_fail_lists_ids_with_description_and_url_as_the_official_tool() -> None:
    results = all_pass("v5.1")
    results["scs-0100-syntax-check"] = Status.FAIL
    results["scs-0115-default-rules"] = Status.ABORT
    vv = scope.verdict("v5.1", results, subject="c")
    assert vv.main == "FAIL" and vv.main_failed
    tc = SC.testcases["scs-0100-syntax-check"]
    assert vv.lines[1:6] == (
        "- main: FAIL (52 passed, 1 failed, 1 aborted)",
        "  - FAILED:",
        "    - scs-0100-syntax-check:",
        f"      > {tc.description}",
        f"      > {tc.url}",
    )
    assert vv.lines[6:8] == ("  - ABORTED:", "    - scs-0115-default-rules:")


def test_verdict_missing_is_tentative_and_not_listed_under_a_test_filter() -> None:
    results = all_pass("v5.1")
    del results["scs-0117-test-backup"]
    results["scs-0101-fips-test"] = Status.SKIP
    vv = scope.verdict("v5.1", results, subject="c")
    assert vv.main == "TENTATIVE"
    assert vv.line == "- main: TENTATIVE pass (52 passed, 2 missing)"
    assert "  - MISSING:" in vv.lines
    filtered = scope.verdict("v5.1", results, subject="c", tests="^scs-01")
    assert filtered.lines[0] == "c SCS-compatible IaaS [tests: '^scs-01'] v5.1:"
    assert "  - MISSING:" not in filtered.lines


def test_verbose_lists_the_passed_ids() -> None:
    vv = scope.verdict("v3", all_pass("v3"), subject="c", verbose=True)
    assert vv.lines[2] == "  - PASSED:"


def test_verdict_takes_official_values_and_status_names() -> None:
    ids = scope.get_version("v4").ids()
    assert scope.verdict("v4", dict.fromkeys(ids, 1)).main == "PASS"
    assert scope.verdict("v4", dict.fromkeys(ids, "WARN")).main == "PASS"
    assert scope.verdict("v4", {**dict.fromkeys(ids, 1), ids[0]: 0}).main == "FAIL"
    assert scope.verdict("v4", {**dict.fromkeys(ids, 1), ids[0]: "SKIP"}).main == "TENTATIVE"


def test_verdict_unknown_version() -> None:
    with pytest.raises(ValueError, match="valid"):
        scope.verdict("v6", {})


def test_verdict_to_dict_is_plain_data() -> None:
    vv = scope.verdict("v5.1", all_pass("v5.1"), subject="c", day=date(2026, 12, 1))
    d = vv.to_dict()
    assert d["main"] == "PASS" and d["status"] == "effective" and d["passed"] == 54
    assert d["targets"]["main"]["line"] == "- main: PASS (54 passed)"
    yaml.safe_dump(d)


# --- outside the certificate ------------------------------------------------------------------


def test_outside_groups_recommended_own_and_retired_ids_apart() -> None:
    results: dict[str, Status] = all_pass("v5.1")
    results["scs-0114-encrypted-type"] = Status.FAIL
    results["scs-0101-rngd"] = Status.PASS  # in the file's scripts, in no module
    results["scs-iaas-flavor-semantics"] = Status.FAIL
    results["scs-0125-https"] = Status.PASS  # a draft standard the file does not know
    groups = scope.outside_groups(SC, [SC.version("v5.1")], results)
    labels = [g.target for g in groups]
    assert labels[:5] == [
        "scs-0102-v1-rec (recommended)",
        "scs-0103-v1-rec (recommended)",
        "scs-0104-v1-2-rec (recommended)",
        "scs-0114-v1-rec (recommended)",
        "scs-0116-v1-rec (recommended)",
    ]
    assert labels[5:] == [
        "listed in the scope file, in no module",
        "not in the scope file (draft standards)",
        "scs-iaas's own tests",
    ]
    by = {g.target: g for g in groups}
    assert by["scs-0114-v1-rec (recommended)"].failed == ("scs-0114-encrypted-type",)
    assert by["scs-0103-v1-rec (recommended)"].verdict == "TENTATIVE"
    lines = scope.outside_lines(groups)
    assert lines[0] == scope.OUTSIDE_HEADER
    assert "- scs-iaas's own tests: FAIL (0 passed, 1 failed)" in lines
    assert "  - failed: scs-iaas-flavor-semantics" in lines
    # and the certificate's verdict does not move
    assert scope.verdict("v5.1", results).main == "PASS"


def test_an_id_main_in_one_judged_version_is_not_shown_outside() -> None:
    results = {"scs-0102-prop-os_purpose": Status.FAIL}
    both = scope.outside_groups(SC, [SC.version("next"), SC.version("v5.1")], results)
    assert all("scs-0102-prop-os_purpose" not in g.failed for g in both)
    only_v51 = scope.outside_groups(SC, [SC.version("v5.1")], results)
    assert any("scs-0102-prop-os_purpose" in g.failed for g in only_v51)


def test_nothing_outside_prints_nothing() -> None:
    assert scope.outside_lines([]) == ()


# --- pure rules -------------------------------------------------------------------------------


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
    m = SC.modules["scs-0114-v1"]

    def graded(test_id: str, status: Status) -> Status:
        [f] = scope.grade([Finding(test_id, "scs-0114", "v1", status, "")], [m])
        return f.status

    assert graded("scs-0114-syntax-check", Status.FAIL) is Status.FAIL
    assert graded("scs-0114-encrypted-type", Status.FAIL) is Status.WARN
    assert graded("scs-0114-encrypted-type", Status.PASS) is Status.PASS
    assert graded("scs-0114-encrypted-type", Status.SKIP) is Status.SKIP


def test_module_for_finds_the_plain_module() -> None:
    assert scope.module_for("scs-0102", "v2").id == "scs-0102-v2"
    assert scope.module_for("scs-0102", "v1").id == "scs-0102-v1"
    assert scope.module_for("scs-0114", "v1").id == "scs-0114-v1"
    with pytest.raises(ValueError):
        scope.module_for("scs-0999", "v1")


def test_a_test_filter_shows_only_what_ran_outside() -> None:
    results = {"scs-0114-encrypted-type": Status.PASS}
    groups = scope.outside_groups(SC, [SC.version("v5.1")], results, partial=True)
    assert [(g.target, g.passed) for g in groups] == [
        ("scs-0114-v1-rec (recommended)", ("scs-0114-encrypted-type",))
    ]
