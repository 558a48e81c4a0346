"""The hwmon readings as a table (``scs-iaas host sensors``)."""

from __future__ import annotations

import sys

from scs_iaas.host.hwmon import UNITS, HwmonFacts


def print_sensors(hw: HwmonFacts) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="hwmon sensors")
    for col in ("chip", "name", "device", "sensor", "label", "value", "max", "crit"):
        table.add_column(col, justify="right" if col in ("value", "max", "crit") else "left")
    for chip in hw.chips:
        for s in chip.sensors:
            style = "bold red" if s.at_crit else "yellow" if s.at_max else ""
            unit = UNITS[s.kind]
            table.add_row(
                chip.chip,
                chip.name,
                chip.block_device,
                s.sensor,
                s.label,
                f"[{style}]{s.value:g} {unit}[/]" if style else f"{s.value:g} {unit}",
                "" if s.max is None else f"{s.max:g}",
                "" if s.crit is None else f"{s.crit:g}",
            )
    Console(highlight=False, width=None if sys.stdout.isatty() else 160).print(table)
