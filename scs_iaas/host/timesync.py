"""Is the clock synchronised, by which daemon, and how far off? (scs-0129, a draft).

Sources: ``chronyc -c tracking`` (CSV) or systemd-timesyncd through ``timedatectl show``
(key=value) and ``timedatectl timesync-status`` (for the offset). Live, or recorded under
``<root>/_commands/`` as ``chronyc-tracking.csv``, ``timedatectl-show.txt`` and
``timedatectl-timesync-status.txt``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from scs_iaas.host.root import HostRoot

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}


@dataclass(frozen=True)
class TimeSync:
    """``synchronised`` is None when no daemon could be asked; ``offset_s`` signed seconds."""

    daemon: str  # chrony | systemd-timesyncd | ""
    synchronised: bool | None
    offset_s: float | None = None
    reference: str = ""
    stratum: int | None = None
    leap_status: str = ""
    error: str = ""


def parse_chrony_tracking(text: str) -> TimeSync:
    """``chronyc -c tracking``: refid, name, stratum, ref time, system time offset, last
    offset, RMS offset, frequency, residual freq, skew, root delay, root dispersion, update
    interval, leap status. Unsynchronised: leap status ``Not synchronised`` or stratum 0.
    """
    rows = [r for r in csv.reader(text.splitlines()) if r]
    if not rows or len(rows[0]) < 14:
        return TimeSync("chrony", None, error=f"unexpected chronyc output: {text.strip()[:80]!r}")
    row = rows[0]
    stratum = int(row[2]) if row[2].isdigit() else None
    leap = row[13].strip()
    synced = leap.lower() != "not synchronised" and bool(stratum)
    return TimeSync(
        daemon="chrony",
        synchronised=synced,
        offset_s=float(row[4]),
        reference=row[1] or row[0],
        stratum=stratum,
        leap_status=leap,
    )


def parse_timedatectl_show(text: str) -> dict[str, str]:
    """``timedatectl show``: one ``Key=value`` per line."""
    return dict(line.partition("=")[::2] for line in text.splitlines() if "=" in line)


def parse_timesync_offset(text: str) -> float | None:
    """``Offset: -1.234ms`` (or ``+12us``) from ``timedatectl timesync-status``, in seconds."""
    m = re.search(r"^\s*Offset:\s*([+-]?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|min)\s*$", text, re.M)
    return float(m[1]) * _UNITS[m[2]] if m else None


def parse_timesync_server(text: str) -> str:
    m = re.search(r"^\s*Server:\s*(.+?)\s*$", text, re.M)
    return m[1] if m else ""


def read_timesync(root: HostRoot) -> TimeSync:
    """chrony first (the SCS/OSISM default), then systemd-timesyncd."""
    errors = []
    chrony = root.command("chronyc-tracking.csv", ["chronyc", "-c", "tracking"])
    if chrony is not None:
        if chrony.ok:
            return parse_chrony_tracking(chrony.stdout)
        errors.append(f"chronyc: {chrony.error}")
    show = root.command("timedatectl-show.txt", ["timedatectl", "show"])
    if show is not None:
        if show.ok:
            values = parse_timedatectl_show(show.stdout)
            status = root.command(
                "timedatectl-timesync-status.txt", ["timedatectl", "timesync-status"]
            )
            text = status.stdout if status is not None and status.ok else ""
            ntp_on = values.get("NTP", "") == "yes"
            return TimeSync(
                daemon="systemd-timesyncd" if ntp_on else "",
                synchronised=values.get("NTPSynchronized") == "yes",
                offset_s=parse_timesync_offset(text),
                reference=parse_timesync_server(text),
                error="" if ntp_on else "timedatectl: NTP=no (no NTP service active)",
            )
        errors.append(f"timedatectl: {show.error}")
    return TimeSync(
        "",
        None,
        error="; ".join(errors)
        or "no output from chronyc or timedatectl (not installed, or not recorded)",
    )
