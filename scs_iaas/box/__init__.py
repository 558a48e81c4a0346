"""Cloud-in-a-Box: real OpenStack services on loopback for the demo and integration tests."""
