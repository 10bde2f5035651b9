"""The larger command groups of cli.py, one module per concept."""
