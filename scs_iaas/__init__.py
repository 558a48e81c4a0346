"""scs-iaas: the operator's toolkit for a Sovereign Cloud Stack IaaS cloud."""

__version__ = "0.1.0"
