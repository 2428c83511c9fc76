"""Command-line interface: ``borderSim`` (see ``main.build_parser``)."""
