"""The SCS standards as data and pure functions. No I/O, no network, no globals that change."""
