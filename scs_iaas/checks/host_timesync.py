"""scs-0129 (draft): the host clock is synchronised by NTP.

The standard is a draft without a hard requirement, so every problem is a WARN, never a FAIL.
The offset limit is Ceph's ``mon_clock_drift_allowed`` (50 ms): beyond it a Ceph cluster
reports clock skew, and Keystone tokens and TLS validity get unreliable long before.
"""

from __future__ import annotations

from scs_iaas.findings import Finding, Status
from scs_iaas.host.timesync import TimeSync

ID = "scs-iaas-host-timesync"
STANDARD = "scs-0129"
VERSION = "draft"
MAX_OFFSET_S = 0.05


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:+.3f} ms"


def check(ts: TimeSync) -> list[Finding]:
    details = {"daemon": ts.daemon, "offset_s": ts.offset_s, "reference": ts.reference}
    if ts.synchronised is None:
        return [
            Finding(
                ID, STANDARD, VERSION, Status.WARN,
                f"cannot tell whether the clock is synchronised: {ts.error}",
                "host", "apt-get install chrony && systemctl enable --now chrony", details,
            )
        ]  # fmt: skip
    if not ts.synchronised:
        why = ts.error or (
            f"leap status {ts.leap_status}" if ts.leap_status else "not synchronised"
        )
        return [
            Finding(
                ID, STANDARD, VERSION, Status.WARN,
                f"clock not synchronised ({ts.daemon or 'no NTP daemon'}: {why})",
                "host", "check `chronyc sources -v`; allow UDP 123 to the NTP servers", details,
            )
        ]  # fmt: skip
    ref = f" to {ts.reference}" if ts.reference else ""
    stratum = f" (stratum {ts.stratum})" if ts.stratum else ""
    if ts.offset_s is not None and abs(ts.offset_s) > MAX_OFFSET_S:
        return [
            Finding(
                ID, STANDARD, VERSION, Status.WARN,
                f"synchronised by {ts.daemon}{ref}, but offset {_ms(ts.offset_s)} exceeds "
                f"{MAX_OFFSET_S * 1000:g} ms (Ceph mon_clock_drift_allowed)",
                "host", "check `chronyc sources -v` for a bad or distant server", details,
            )
        ]  # fmt: skip
    offset = f", offset {_ms(ts.offset_s)}" if ts.offset_s is not None else ""
    return [
        Finding(
            ID, STANDARD, VERSION, Status.PASS,
            f"synchronised by {ts.daemon}{ref}{stratum}{offset}", "host", "", details,
        )
    ]  # fmt: skip
