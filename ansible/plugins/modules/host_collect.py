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
    description: Where the archive is written on the node.
    type: path
    required: true
  root:
    description: Collect from this tree instead of C(/) (a chroot, a recorded tree); no command runs then.
    type: path
    default: /
author: scs-iaas maintainers
"""

EXAMPLES = r"""
- name: collect
  scs.iaas.host_collect:
    dest: /tmp/scs-iaas-node.tar.gz
"""

RETURN = r"""
dest: {description: the archive on the node, type: str, returned: always}
files: {description: number of files collected, type: int, returned: success}
errors: {description: files that exist but could not be read, path to reason, type: dict, returned: success}
commands: {description: per command, ok / error / not installed / recorded, type: dict, returned: success}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scs.iaas.plugins.module_utils.scs_iaas_collect import collect


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "root": {"type": "path", "default": "/"},
        },
        supports_check_mode=True,  # reading only: runs in check mode too
    )
    dest = module.params["dest"]
    try:
        summary = collect(dest, module.params["root"])
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"collect: {exc}", dest=dest)
    module.exit_json(
        changed=False,
        dest=dest,
        files=summary["files"],
        errors=summary["errors"],
        commands=summary["commands"],
    )


if __name__ == "__main__":
    main()
