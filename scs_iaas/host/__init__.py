"""Facts about the machine scs-iaas runs on, read from a root path (tests feed recorded trees)."""
