"""Pages rendered on the server, one module per desk."""
