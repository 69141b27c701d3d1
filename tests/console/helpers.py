"""Shared by the console tests and the screenshot script: real handoffs, a live server, Chromium.

Cases are made by sending real customer messages through the agent, so the console is tested
against summaries the agent actually writes, not hand-built fixtures.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, Playwright

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.settings import Settings

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SCAM_ID = "conv-scam"
COMPLAINT_ID = "conv-complaint"
SCAM_TEXT = (
    "someone rang pretending to be from the bank and told me to move my money to a safe account"
)
COMPLAINT_TEXT = "I want to make a formal complaint"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing: the console's browser tests need Debian's chromium. Install it with "
    "`apt-get update && apt-get install -y chromium` (not `playwright install`, which downloads "
    "its own browsers)."
)


def settings(data_dir: Path) -> Settings:
    """A fixed clock, so SLA deadlines (and "overdue") are the same on every run."""
    return Settings(data_dir=data_dir, clock=CLOCK)


async def hand_off(agent: ResolutionAgent) -> None:
    """Two real handoffs: a scam (fincrime, urgent) and a complaint (complaints, normal)."""
    scam = await agent.handle_message(SCAM_ID, "cus_1008", SCAM_TEXT)
    complaint = await agent.handle_message(COMPLAINT_ID, "cus_1001", COMPLAINT_TEXT)
    assert scam.handoff is not None and scam.handoff.queue == "fincrime", scam
    assert complaint.handoff is not None and complaint.handoff.queue == "complaints", complaint


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in this event loop; yield its URL.

    The socket is bound here and handed to uvicorn, so no other process can take the port
    between choosing and listening.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="on")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped the server
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; never a browser downloaded by ``playwright install``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(MISSING_CHROMIUM)
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
