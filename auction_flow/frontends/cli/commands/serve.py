"""Command: serve, the web desk under uvicorn.

The command line and the web desk are independent front ends (an import-linter contract): this
command names the web application to uvicorn by its import string, as a deployment would
(``uvicorn --factory auction_flow.frontends.web.app:create_app``), and imports none of it.
"""

from __future__ import annotations

import os

import click

from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpCommand
from auction_flow.frontends.cli.kit import engine, url

WEB_APP = "auction_flow.frontends.web.app:create_app"


@click.command(cls=HelpCommand)
@common
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=params.CountType(1, 65535), help="Port to listen on.")
def serve(host, port):
    """Run the web desk (pages for officers, supervisors, procurators, and the JSON API under /api/).

    Behind a reverse proxy that terminates TLS, the session cookie is marked Secure; set
    AUCTION_FLOW_WEB_SECRET when several server processes serve one desk.

    Example: auction-flow --db postgresql://db/thads serve --host 127.0.0.1 --port 8080
    """
    import uvicorn  # lazy on purpose: only this command runs a server

    engine()  # a missing or outdated schema is refused here, in one line, before the server starts
    os.environ["AUCTION_FLOW_DB"] = url()
    uvicorn.run(WEB_APP, factory=True, host=host, port=port, proxy_headers=True, server_header=False,
                log_level=os.environ.get("AUCTION_FLOW_WEB_LOG", "info"))
