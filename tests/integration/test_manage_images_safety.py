"""`scs-iaas manage images` under attack and under load, on the local cloud (issue 16, issue 11
item 2): a member project as the hostile tenant, local HTTP sources that are slow, drip or
stall, two applies at once, failures that must not leave the cloud worse, the standard's
promises, and the official scs-0102 test on what the manager leaves behind.

Every image name carries a unique test prefix; the tests delete only images they created
(the member's with the member's connection).
"""

from __future__ import annotations

import hashlib
import http.server
import importlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_manage_images import NAME_PROP, PENDING, images_of, manage, raw, source, write_defs

from scs_iaas.box import BoxInfo

pytestmark = pytest.mark.integration

BUILD = "image_build_date"
CHECKSUM = "scs-iaas:checksum"
LOCK = "scs-iaas:lock"


# -- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def prefix(admin_conn: Any) -> Iterator[str]:
    p = f"scs-iaas-test-{uuid.uuid4().hex[:6]}"
    yield p
    for img in images_of(admin_conn, p):
        if NAME_PROP in (img.properties or {}) or (img.name or "").startswith(p):
            admin_conn.image.delete_image(img, ignore_missing=True)


def defs_of(path: Path, items: list[tuple[str, list[tuple[str, str, str]], str]]) -> str:
    """One definition file with several images (write_defs' format, one after the other)."""
    text = ["images:"]
    for i, (name, versions, validity) in enumerate(items):
        one = Path(write_defs(path.with_suffix(f".{i}"), name, versions, validity)).read_text()
        one = one.replace('os_version: "0.6"', f'os_version: "0.6.{i}"')  # one generic each
        text.append(one.split("images:\n", 1)[1].rstrip("\n"))
    path.write_text("\n".join(text) + "\n")
    return str(path)


def env(box: BoxInfo) -> dict[str, str]:
    return {**os.environ, "OS_CLIENT_CONFIG_FILE": str(box.clouds_yaml)}


def popen(box: BoxInfo, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scs_iaas", "manage", "images", *argv,
         "--os-cloud", box.admin_cloud, "-f", "json"],
        env=env(box), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def glance_upload(conn: Any, name: str, data: bytes, **fields: Any) -> str:
    """An image created by ``conn``'s project the plain REST way (properties flat)."""
    body = {"name": name, "disk_format": "raw", "container_format": "bare", **fields}
    resp = conn.image.post("/images", json=body)
    assert resp.status_code == 201, resp.text
    iid = str(resp.json()["id"])
    resp = conn.image.put(
        f"/images/{iid}/file", data=data, headers={"Content-Type": "application/octet-stream"}
    )
    assert resp.status_code == 204, resp.text
    return iid


def patch(conn: Any, image_id: str, **values: Any) -> None:
    """Set core fields or properties of an image by hand (one JSON-patch request)."""
    ops = [{"op": "add", "path": f"/{k}", "value": v} for k, v in values.items()]
    resp = conn.image.patch(f"/images/{image_id}", json=ops,
                            headers={"Content-Type": "application/openstack-images-v2.1-json-patch"})  # fmt: skip
    assert resp.status_code == 200, resp.text


def admin_project(admin_conn: Any) -> str:
    return str(admin_conn.current_project_id)


def owned(conn: Any, project: str, name: str) -> list[dict[str, Any]]:
    return [
        raw(conn, i.id)
        for i in images_of(conn, name)
        if i.owner == project and i.properties.get(NAME_PROP) == name
    ]


# -- 1. ownership that no tenant can forge --------------------------------------------------------


def test_member_claims_are_reported_never_adopted_or_published(
    box: BoxInfo, admin_conn: Any, member_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Claimed"
    url, sha = source(tmp_path, "v1", 1024 * 1024 + 3)
    defs = write_defs(tmp_path / "i.yaml", name, [("2026-11-01", url, sha)], "last-1")
    other = os.urandom(64 * 1024)
    evil: list[str] = []
    try:
        # the defined build, with our checksum stamped on other data; an undefined newer build;
        # a community image with the plain name
        evil.append(glance_upload(member_conn, f"{name} x", other, visibility="private",
                                  **{NAME_PROP: name, BUILD: "2026-11-01",
                                     CHECKSUM: f"sha256:{sha}"}))  # fmt: skip
        evil.append(glance_upload(member_conn, f"{name} y", other, visibility="private",
                                  **{NAME_PROP: name, BUILD: "2026-11-15"}))  # fmt: skip
        evil.append(glance_upload(member_conn, name, other, visibility="community"))
        before = {i: raw(member_conn, i) for i in evil}
        rc, doc, err = manage(box, "--definitions", defs, "-y")
        assert rc == 0, err
        assert [a["op"] for a in doc["actions"]] == ["create"], doc["actions"]
        for i in evil:
            assert any(i in n and "not touched" in n for n in doc["notes"]), doc["notes"]
        (mine,) = owned(admin_conn, admin_project(admin_conn), name)
        assert mine["visibility"] == "public" and mine["name"] == name
        data = Path(url[7:]).read_bytes()
        assert mine["os_hash_value"] == hashlib.sha512(data).hexdigest()
        for i, was in before.items():
            now = raw(member_conn, i)
            for key in ("name", "visibility", "os_hidden", BUILD, CHECKSUM, "os_purpose"):
                assert now.get(key) == was.get(key), (i, key)
        rc, doc, err = manage(box, "--definitions", defs, "--check")
        assert rc == 0 and doc["actions"] == [], (err, doc["actions"])
    finally:
        for i in evil:
            member_conn.image.delete(f"/images/{i}", raise_exc=False)


def test_own_image_is_adopted_only_when_its_data_matches(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Adopt"
    data = os.urandom(512 * 1024)
    sha512 = hashlib.sha512(data).hexdigest()
    (tmp_path / "a.raw").write_bytes(data)
    defs = Path(write_defs(tmp_path / "i.yaml", name, [("2026-11-01", "x", "y")], "none"))
    text = defs.read_text().replace("url: x", f"url: {(tmp_path / 'a.raw').as_uri()}")
    defs.write_text(text.replace("checksum: sha256:y", f"checksum: sha512:{sha512}"))
    wrong = glance_upload(admin_conn, f"{name} wrong", os.urandom(4096), visibility="private",
                          **{NAME_PROP: name, BUILD: "2026-11-01"})  # fmt: skip
    rc, doc, err = manage(box, "--definitions", str(defs), "-y")
    assert rc == 1, err
    (act,) = doc["actions"]
    assert act["op"] == "conflict" and "its data is not build 2026-11-01" in act["reason"]
    assert raw(admin_conn, wrong)["visibility"] == "private"  # not published
    admin_conn.image.delete(f"/images/{wrong}")
    right = glance_upload(admin_conn, f"{name} by hand", data, visibility="private",
                          **{NAME_PROP: name, BUILD: "2026-11-01"})  # fmt: skip
    rc, doc, err = manage(box, "--definitions", str(defs), "-y")
    assert rc == 0 and [a["op"] for a in doc["actions"]] == ["update"], (err, doc["actions"])
    got = raw(admin_conn, right)
    assert (got["name"], got["visibility"], got[CHECKSUM]) == (name, "public", f"sha512:{sha512}")


# -- issue 11 item 2: concurrent applies ----------------------------------------------------------


def test_concurrent_applies_never_duplicate_nor_delete_each_other(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    names = [f"{prefix} A", f"{prefix} B"]
    files = {n: [source(tmp_path, f"{n[-1]}{k}", 6 * 1024 * 1024) for k in range(3)]
             for n in names}  # fmt: skip
    builds = ["2026-11-01", "2026-11-10", "2026-11-20"]
    waited = 0
    for rnd in range(3):
        items = [(n, [(builds[k], *files[n][k]) for k in range(rnd + 1)], "forever")
                 for n in names]  # fmt: skip
        defs = defs_of(tmp_path / f"r{rnd}.yaml", items)
        runs = [popen(box, "--definitions", defs, "-y") for _ in range(2)]
        outs = [p.communicate(timeout=600) for p in runs]
        for p, (_out, err) in zip(runs, outs, strict=True):
            assert p.returncode == 0, err
        waited += sum("waiting for another scs-iaas run" in err for _, err in outs)
        done = [json.loads(out)["applied"] for out, _ in outs]
        creates = sum(1 for a in done if a for d in a["done"] if d["op"] == "create")
        assert creates == 2, done  # one upload per definition, by whichever run came first
        for n in names:
            imgs = [raw(admin_conn, i.id) for i in images_of(admin_conn, n)]
            imgs = [i for i in imgs if LOCK not in i]
            assert len(imgs) == rnd + 1, [(i["name"], i["status"]) for i in imgs]
            assert all(i["status"] == "active" and PENDING not in i for i in imgs)
            assert sorted(i[BUILD] for i in imgs) == builds[: rnd + 1]
            assert [i["name"] for i in imgs if not i["os_hidden"]] == [n]
    assert waited >= 1  # the second run waited for the first (it did not race it)
    rc, doc, err = manage(box, "--definitions", defs)
    assert rc == 0 and doc["actions"] == [] and doc["api_writes"] == 0, err
    print(f"3 rounds of 2 concurrent applies: {waited} run(s) waited for the lock")


class _Source(http.server.BaseHTTPRequestHandler):
    """/slow/<rate>/<file>: the file at <rate> bytes/s; /drip/<file>: one byte a second;
    /stall/<file>: 64 KiB, then nothing for a minute."""

    root: Path
    stop: threading.Event

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        data = (self.root / parts[-1]).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            if parts[0] == "slow":
                rate = int(parts[1])
                step = max(rate // 20, 1)
                for i in range(0, len(data), step):
                    self.wfile.write(data[i : i + step])
                    self.wfile.flush()
                    if self.stop.wait(step / rate):
                        return
            elif parts[0] == "drip":
                for i in range(len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    if self.stop.wait(1.0):
                        return
            else:
                self.wfile.write(data[: 64 * 1024])
                self.wfile.flush()
                self.stop.wait(60)
        except OSError:
            pass  # the client gave up: that is the point


@pytest.fixture
def http_source(tmp_path: Path) -> Iterator[str]:
    stop = threading.Event()
    handler = type("H", (_Source,), {"root": tmp_path, "stop": stop})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_an_upload_in_progress_is_not_a_leftover_for_another_run(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path, http_source: str
) -> None:
    name = f"{prefix} Busy"
    _, sha = source(tmp_path, "busy", 4 * 1024 * 1024)
    url = f"{http_source}/slow/{128 * 1024}/busy.raw"  # about 32 s
    defs = write_defs(tmp_path / "i.yaml", name, [("2026-11-01", url, sha)], "none")
    first = popen(box, "--definitions", defs, "-y", "--min-rate", "0")  # a loaded box is slow
    try:
        deadline = time.monotonic() + 60
        while not any(PENDING in (i.properties or {}) for i in images_of(admin_conn, name)):
            assert time.monotonic() < deadline and first.poll() is None, first.communicate()
            time.sleep(0.3)
        rc, doc, err = manage(box, "--definitions", defs)  # a plan while the upload runs
        assert rc == 0 and doc["actions"] == [], (err, doc["actions"], doc["notes"])
        assert any("in progress by another run" in n for n in doc["notes"])
        rc, doc, err = manage(box, "--definitions", defs, "--check")
        assert rc == 0, err  # no false drift
        rc, _, err = manage(box, "--definitions", defs, "-y", "--wait", "0")
        assert first.poll() is None, "the first run ended too soon for this test"
        assert rc == 2 and "another scs-iaas run" in err and "nothing was changed" in err, err
        assert err.count("\n") == 1
        second = popen(box, "--definitions", defs, "-y")  # waits, then has nothing to do
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        assert "waiting for another scs-iaas run" in err
        assert json.loads(out)["actions"] == []
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    (img,) = [i for i in images_of(admin_conn, name) if LOCK not in (i.properties or {})]
    assert raw(admin_conn, img.id)["status"] == "active"


# -- 3. slow, dripping and stalling sources --------------------------------------------------------


def test_slow_source_streams_drip_and_stall_are_stopped_and_leave_nothing(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path, http_source: str
) -> None:
    _, sha = source(tmp_path, "src", 2 * 1024 * 1024)
    data = (tmp_path / "src.raw").read_bytes()
    # 2 MiB at 256 KiB/s: before, the first 4 MiB read waited 8 s and Glance gave up after 4 s
    slow = f"{prefix} Slow"
    defs = write_defs(tmp_path / "s.yaml", slow, [("2026-11-01", f"{http_source}/slow/{256 * 1024}/src.raw", sha)], "none")  # fmt: skip
    t0 = time.monotonic()
    rc, _, err = manage(box, "--definitions", defs, "-y")
    assert rc == 0, err
    (img,) = images_of(admin_conn, slow)
    assert raw(admin_conn, img.id)["os_hash_value"] == hashlib.sha512(data).hexdigest()
    print(f"slow source (256 KiB/s, 2 MiB): {time.monotonic() - t0:.1f} s")
    for kind in ("drip", "stall"):
        name = f"{prefix} {kind}"
        defs = write_defs(tmp_path / f"{kind}.yaml", name,
                          [("2026-11-01", f"{http_source}/{kind}/src.raw", sha)], "none")  # fmt: skip
        t0 = time.monotonic()
        rc, _doc, err = manage(
            box, "--definitions", defs, "-y", "--min-rate", "16K", "--stall-timeout", "5"
        )
        took = time.monotonic() - t0
        assert rc == 1, err
        assert "the image was deleted" in err and err.count("\n") == 1, err
        assert took < 40, took
        assert images_of(admin_conn, name) == []  # nothing queued behind
        print(f"{kind} source stopped after {took:.1f} s: {err.strip()[:160]}")


# -- 2. failures that must not leave the cloud worse ----------------------------------------------


def test_one_bad_image_does_not_stop_the_others(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    url_bad, _ = source(tmp_path, "bad", 1024 * 1024)
    url_ok, sha_ok = source(tmp_path, "ok", 1024 * 1024)
    defs = defs_of(tmp_path / "i.yaml", [
        (f"{prefix} Bad", [("2026-11-01", url_bad, "0" * 64)], "none"),
        (f"{prefix} Good", [("2026-11-01", url_ok, sha_ok)], "none"),
    ])  # fmt: skip
    rc, doc, err = manage(box, "--definitions", defs, "-y")
    assert rc == 1
    assert f"failed: {prefix} Bad: " in err and "checksum mismatch" in err
    assert images_of(admin_conn, f"{prefix} Bad") == []
    (good,) = images_of(admin_conn, f"{prefix} Good")
    assert raw(admin_conn, good.id)["status"] == "active"
    assert doc["applied"]["failed"][0]["unit"] == f"{prefix} Bad"


def test_expired_version_is_renamed_and_hidden_before_delete_protected_is_drift(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Rot"
    url1, sha1 = source(tmp_path, "v1", 1024 * 1024)
    url2, sha2 = source(tmp_path, "v2", 1024 * 1024)
    one = write_defs(tmp_path / "a.yaml", name, [("2026-11-01", url1, sha1)], "last-1")
    assert manage(box, "--definitions", one, "-y")[0] == 0
    (v1,) = images_of(admin_conn, name)
    both = write_defs(tmp_path / "b.yaml", name,
                      [("2026-11-01", url1, sha1), ("2026-11-20", url2, sha2)], "last-1")  # fmt: skip
    assert manage(box, "--definitions", both, "-y")[0] == 0
    # by hand: the old version protected, visible and back under the plain name
    patch(admin_conn, v1.id, protected=True, name=name, os_hidden=False)
    rc, doc, err = manage(box, "--definitions", both, "--delete", "-y")
    assert rc == 0, err
    ops = [(a["op"], a["id"]) for a in doc["actions"]]
    assert ops == [("hide", v1.id), ("delete", v1.id)], ops
    assert [i.name for i in images_of(admin_conn, name)] == [name]


# -- 4. the standard's promises ---------------------------------------------------------------------


def test_published_versions_keep_their_uuid_validity(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Promise"
    vs = [("2026-11-01", *source(tmp_path, "p1", 4096)), ("2026-11-10", *source(tmp_path, "p2", 4096)),
          ("2026-11-20", *source(tmp_path, "p3", 4096))]  # fmt: skip
    for k in range(1, 4):
        defs = write_defs(tmp_path / f"{k}.yaml", name, vs[:k], "last-3")
        assert manage(box, "--definitions", defs, "-y")[0] == 0
    shorter = write_defs(tmp_path / "s.yaml", name, vs, "last-2")
    rc, doc, err = manage(box, "--definitions", shorter, "--delete", "-y")
    assert rc == 0, err
    assert not [a for a in doc["actions"] if a["op"] == "delete"]
    assert any("keeps uuid_validity 'last-3'" in n for n in doc["notes"])
    imgs = [raw(admin_conn, i.id) for i in images_of(admin_conn, name)]
    assert len(imgs) == 3 and {i["uuid_validity"] for i in imgs} == {"last-3"}


def test_dropped_property_is_removed_hand_added_one_reported(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Props"
    url, sha = source(tmp_path, "v", 4096)
    defs = Path(write_defs(tmp_path / "i.yaml", name, [("2026-11-01", url, sha)], "none"))
    text = defs.read_text()
    defs.write_text(text.replace("      hw_rng_model: virtio\n",
                                 "      hw_rng_model: virtio\n      hypervisor_type: qemu\n"))  # fmt: skip
    assert manage(box, "--definitions", str(defs), "-y")[0] == 0
    (img,) = images_of(admin_conn, name)
    assert raw(admin_conn, img.id)["hypervisor_type"] == "qemu"
    patch(admin_conn, img.id, hand_made="kept")
    defs.write_text(text)  # hypervisor_type dropped from the definition
    rc, doc, err = manage(box, "--definitions", str(defs), "-y")
    assert rc == 0, err
    got = raw(admin_conn, img.id)
    assert "hypervisor_type" not in got and got["hand_made"] == "kept"
    assert any("hand_made" in n for n in doc["notes"])


def test_changed_file_rollback_and_same_day_are_never_silent(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Quiet"
    f2, f3 = tmp_path / "q2.raw", tmp_path / "q3.raw"
    content = os.urandom(4096)
    f2.write_bytes(content)
    f3.write_bytes(os.urandom(4096))

    def nosum(tag: str, versions: list[tuple[str, Path]]) -> str:
        out = Path(write_defs(tmp_path / f"{tag}.yaml", name,
                              [(b, p.as_uri(), "x") for b, p in versions], "forever"))  # fmt: skip
        out.write_text(out.read_text().replace("        checksum: sha256:x\n", ""))
        return str(out)

    noon = nosum("a", [("2026-11-10 12:00", f2)])
    assert manage(box, "--definitions", noon, "-y")[0] == 0
    # a file:// source without checksum whose content changed: a conflict, not a re-publish
    f2.write_bytes(os.urandom(4096))
    rc, doc, err = manage(box, "--definitions", noon, "--check")
    assert rc == 1 and doc["counts"] == {"conflict": 1}, (err, doc["actions"])
    assert "its data is not build 2026-11-10 12:00" in doc["actions"][0]["reason"]
    f2.write_bytes(content)
    # 2026-11-10 12:00 -> 2026-11-10: the same build, only its image_build_date changes
    day = nosum("b", [("2026-11-10", f2)])
    rc, doc, err = manage(box, "--definitions", day, "-y")
    assert rc == 0, err
    assert [(a["op"], a["name"]) for a in doc["actions"]] == [("update", name)]
    assert doc["actions"][0]["params"]["patch"] == [
        {"op": "replace", "path": "/image_build_date", "value": "2026-11-10"}
    ]
    # a newer build, then removed from the definition again: a conflict, not a rollback
    assert manage(box, "--definitions", nosum("c", [("2026-11-10", f2), ("2026-11-20", f3)]),
                  "-y")[0] == 0  # fmt: skip
    rc, doc, err = manage(box, "--definitions", day, "-y")
    assert rc == 1 and "does not roll back silently" in doc["actions"][0]["reason"], err
    visible = [raw(admin_conn, i.id) for i in images_of(admin_conn, name) if not i.is_hidden]
    assert [(i["name"], i[BUILD]) for i in visible] == [(name, "2026-11-20")]


def test_check_tells_drift_from_conflict_and_debug_keeps_exit_2(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    name = f"{prefix} Codes"
    url, sha = source(tmp_path, "v", 4096)
    defs = write_defs(tmp_path / "i.yaml", name, [("2026-11-01", url, sha)], "none")
    assert manage(box, "--definitions", defs, "-y")[0] == 0
    (img,) = images_of(admin_conn, name)
    patch(admin_conn, img.id, os_distro="windows")
    rc, doc, _ = manage(box, "--definitions", defs, "--check")
    assert rc == 3 and doc["counts"] == {"update": 1}  # drift
    # one of our own images, not managed, under the plain name: a conflict that does not hide
    # the drift of the managed image
    stranger = glance_upload(admin_conn, name, b"x" * 1024, visibility="private")
    try:
        rc, doc, _ = manage(box, "--definitions", defs, "--check")
        assert rc == 1 and doc["counts"] == {"update": 1, "conflict": 1}, doc["actions"]
    finally:
        admin_conn.image.delete(f"/images/{stranger}")
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "--debug", "manage", "images", "--definitions", defs,
         "--os-cloud", "no-such-cloud"],
        env=env(box), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr


# -- 5. manager and check agree, and agree with the official test ----------------------------------


def _official() -> Any:
    here = Path(__file__).resolve()
    candidates = [os.environ.get("SCS_IAAS_SHARED", "")] + [
        str(p / "shared") for p in (here.parents[2].parent, here.parents[2].parent.parent)
    ]
    for c in candidates:
        tests = Path(c) / "peers" / "scs-standards" / "Tests" / "iaas"
        if c and (tests / "scs_0102_image_metadata" / "image_metadata.py").is_file():
            sys.path.insert(0, str(tests))
            return importlib.import_module("scs_0102_image_metadata.image_metadata")
    pytest.skip("../shared/peers/scs-standards is absent: no official scs-0102 test to compare")


def test_manager_output_passes_the_check_as_the_official_test_says(
    box: BoxInfo, admin_conn: Any, member_conn: Any, prefix: str, tmp_path: Path
) -> None:
    from scs_iaas.app.grading import grade
    from scs_iaas.checks import scs_0102_image_metadata as c0102
    from scs_iaas.model.findings import fold as results_by_test
    from scs_iaas.standards import images as std

    official = _official()
    release = f"t{uuid.uuid4().hex[:6]}"  # an os_version no other test uses: our own bucket
    name = f"{prefix} Gen"
    vs = [("2026-11-01", *source(tmp_path, "g1", 4096)), ("2026-11-20", *source(tmp_path, "g2", 4096))]  # fmt: skip

    def defs(n: str, versions: list[Any], tag: str) -> str:
        p = Path(write_defs(tmp_path / f"{tag}.yaml", n, versions, "forever"))
        p.write_text(p.read_text().replace('os_version: "0.6"', f'os_version: "{release}"'))
        return str(p)

    assert manage(box, "--definitions", defs(name, vs[:1], "a"), "-y")[0] == 0
    assert manage(box, "--definitions", defs(name, vs, "b"), "-y")[0] == 0

    def mine() -> list[Any]:  # as the member sees them, as the official suite lists them
        return [i for i in member_conn.image.images(os_hidden=True) if i.name.startswith(prefix)
                ] + [i for i in member_conn.image.images() if i.name.startswith(prefix)]  # fmt: skip

    def ours(images: list[Any]) -> list[std.ImageFacts]:
        return [std.ImageFacts.from_glance(raw(member_conn, i.id)) for i in images]

    imgs = mine()
    assert sorted(str(i.properties.get("os_purpose")) for i in imgs) == ["generic", "oldgeneric"]
    assert official.compute_scs_0102_prop_os_purpose(imgs)
    assert official.compute_scs_0102_os_purpose_uniqueness(imgs)
    for version, scope_version in (("v1", "v5.1"), ("v2", "next")):
        found = c0102.check_image_metadata(ours(imgs), now=_now(), version=version)
        purpose = [f for f in grade(found, scope_version) if f.id == std.PROP_OS_PURPOSE]
        assert purpose and all(f.status.name == "PASS" for f in purpose), purpose
    # a second public generic image for the same release (another definition file): FAIL
    other = f"{prefix} Gen2"
    assert manage(box, "--definitions", defs(other, vs[1:], "c"), "-y")[0] == 0
    imgs = mine()
    assert not official.compute_scs_0102_os_purpose_uniqueness(imgs)
    for version, scope_version in (("v1", "v5.1"), ("v2", "next")):
        findings = c0102.check_os_purpose_uniqueness(ours(imgs), version=version)
        graded = grade(findings, scope_version)
        assert results_by_test(graded)[std.OS_PURPOSE_UNIQUENESS].name == "FAIL"
    assert {f.status.name for f in grade(findings, "next")} == {"FAIL"}


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
