"""The web desk: a FastAPI application of server-rendered pages and a JSON API over the services
(``auction-flow serve`` runs it; ``app.create_app`` builds it)."""
