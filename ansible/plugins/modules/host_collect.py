#!/usr/bin/python
"""Ansible module scs.iaas.host_collect: run the scs-iaas collector on the managed node."""

from __future__ import annotations

DOCUMENTATION = r"""
module: host_collect
short_description: Collect what C(scs-iaas host check) reads on this node into an archive
description:
  - Reads the files and command outputs the scs-iaas host checks judge (CPU flags, KVM
    parameters, block devices, sensors, time sync, OpenStack service configuration in the
    Kolla and the packaged layout) into a C(.tar.gz) on the node.
  - Secrets in configuration files (passwords, tokens, keys, the password part of URLs) are
    redacted on the node, before anything is written.
  - Needs nothing on the node but Python 3.9 or newer; changes nothing but I(dest).
options:
  dest:
    description:
      - Where the archive is written on the node. Without it the archive comes back in the
        result as I(archive_b64) and nothing stays on the node (one round trip, no fetch).
    type: path
  root:
    description: Collect from this tree instead of C(/) (a chroot, a recorded tree); no command runs then.
    type: path
    default: /
author: scs-iaas maintainers
"""

EXAMPLES = r"""
- name: collect, the archive comes back in the result
  scs.iaas.host_collect:
  register: collected

- name: collect into a file on the node
  scs.iaas.host_collect:
    dest: /tmp/scs-iaas-node.tar.gz
"""

RETURN = r"""
dest: {description: the archive on the node, type: str, returned: when dest is given}
archive_b64: {description: the archive, base64, type: str, returned: when dest is not given}
files: {description: number of files collected, type: int, returned: success}
errors: {description: files that exist but could not be read, path to reason, type: dict, returned: success}
commands: {description: per command, ok / error / not installed / recorded, type: dict, returned: success}
"""

import base64
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scs.iaas.plugins.module_utils.scs_iaas_collect import collect


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": False},
            "root": {"type": "path", "default": "/"},
        },
        supports_check_mode=True,  # reading only: runs in check mode too
    )
    dest = module.params["dest"]
    result = {"changed": False}
    try:
        if dest:
            summary = collect(dest, module.params["root"])
            result["dest"] = dest
        else:
            with tempfile.TemporaryDirectory(prefix="scs-iaas-collect-") as tmp:
                path = os.path.join(tmp, "node.tar.gz")
                summary = collect(path, module.params["root"])
                with open(path, "rb") as fh:
                    result["archive_b64"] = base64.b64encode(fh.read()).decode("ascii")
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"collect: {exc}")
    result.update(files=summary["files"], errors=summary["errors"], commands=summary["commands"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
