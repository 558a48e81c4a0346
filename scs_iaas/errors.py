"""Errors that end a run with a one-line message and exit code 2."""

from __future__ import annotations


class ScsIaasError(Exception):
    """The run itself could not be done: bad input, bad config, an API that refused.

    The message is one line that names what and where; the CLI prints it and exits 2.
    """

    exit_code = 2


class InputError(ScsIaasError):
    """Bad input: a malformed definition file, flag value or name."""


class CloudError(ScsIaasError):
    """The cloud could not be reached or refused a request."""
