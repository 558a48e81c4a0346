"""The use cases: what the CLI and the demo both call.

``check.evaluate`` (read a cloud, run the checks, grade by the scope), ``manage.manage`` (plan,
and apply), ``host.host_check`` (facts of a host, judged), ``upgrade.upgrade_check``. No
argument parsing and no printing of reports here: ``commands/`` parses, ``report/`` renders.
"""
