"""Errors in user input: reported as one line naming the file, the key and what is allowed."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a user; the CLI prints ``str(err)`` and exits with status 2."""

    def __init__(self, where: str, key: str | None, message: str):
        self.where, self.key, self.message = where, key, message
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
