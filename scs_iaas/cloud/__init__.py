"""The only package that speaks to OpenStack: connection, snapshot (read), apply (write)."""
