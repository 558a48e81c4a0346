"""scs-0129 (draft): the host clock is synchronised by NTP.

The standard is a draft without a hard requirement, so every problem is a WARN, never a FAIL.
The offset limit is Ceph's ``mon_clock_drift_allowed`` (50 ms): beyond it a Ceph cluster
reports clock skew, and Keystone tokens and TLS validity get unreliable long before.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context
from scs_iaas.host.timesync import TimeSync
from scs_iaas.model.findings import Finding, Status, Test

ID = "scs-iaas-host-timesync"
STANDARD = "scs-0129"
VERSION = "draft"
MAX_OFFSET_S = 0.05


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:+.3f} ms"


TEST = Test(
    ID,
    STANDARD,
    VERSION,
    "the host clock is synchronised by NTP",
    "apt-get install chrony && systemctl enable --now chrony",
    resource="host",
)


def _details(ts: TimeSync) -> dict[str, object]:
    return {"daemon": ts.daemon, "offset_s": ts.offset_s, "reference": ts.reference}


def check(ts: TimeSync) -> list[Finding]:
    if ts.synchronised is None:
        reason = f"cannot tell whether the clock is synchronised: {ts.error}"
        fix = "apt-get install chrony && systemctl enable --now chrony"
        return [TEST.finding(Status.WARN, reason, fix=fix, details=_details(ts))]
    if not ts.synchronised:
        why = ts.error or (f"leap status {ts.leap_status}" if ts.leap_status else "no sync")
        reason = f"clock not synchronised ({ts.daemon or 'no NTP daemon'}: {why})"
        fix = "check `chronyc sources -v`; allow UDP 123 to the NTP servers"
        return [TEST.finding(Status.WARN, reason, fix=fix, details=_details(ts))]
    ref = f" to {ts.reference}" if ts.reference else ""
    if ts.offset_s is not None and abs(ts.offset_s) > MAX_OFFSET_S:
        reason = (
            f"synchronised by {ts.daemon}{ref}, but offset {_ms(ts.offset_s)} exceeds "
            f"{MAX_OFFSET_S * 1000:g} ms (Ceph mon_clock_drift_allowed)"
        )
        fix = "check `chronyc sources -v` for a bad or distant server"
        return [TEST.finding(Status.WARN, reason, fix=fix, details=_details(ts))]
    stratum = f" (stratum {ts.stratum})" if ts.stratum else ""
    offset = f", offset {_ms(ts.offset_s)}" if ts.offset_s is not None else ""
    return [
        TEST.finding(
            Status.PASS, f"synchronised by {ts.daemon}{ref}{stratum}{offset}", details=_details(ts)
        )
    ]


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.timesync is not None
    return check(ctx.host.timesync)


CHECK = Check(name="host time sync", tests=[TEST], needs=frozenset({"host:time"}), run=run)
