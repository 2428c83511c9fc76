"""Packaged data: the border geography (geography.toml)."""
