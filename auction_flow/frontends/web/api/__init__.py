"""The JSON API under /api/: the command line's --json objects over HTTP."""
