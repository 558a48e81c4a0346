"""Sub-commands of ``scs-iaas``.

Every module here defines ``register(subparsers)``, which adds its parser and sets
``func`` to a callable ``(args) -> int``. Modules are discovered, so adding a command
touches no other file. Keep module imports light: import heavy libraries (openstacksdk)
inside the functions, so ``scs-iaas --help`` and the pure commands start fast.
"""
