"""Cloud-in-a-Box: real OpenStack services on loopback for the demo and integration tests.

from scs_iaas.box import Box
info = Box().up()          # BoxInfo(clouds_yaml=..., admin_cloud="box-admin", ...)
"""

from scs_iaas.box.box import Box, BoxInfo, BoxStatus, ServiceState, connect
from scs_iaas.box.layout import ADMIN_CLOUD, MEMBER_CLOUD, default_home

__all__ = [
    "ADMIN_CLOUD",
    "MEMBER_CLOUD",
    "Box",
    "BoxInfo",
    "BoxStatus",
    "ServiceState",
    "connect",
    "default_home",
]
