"""Screenshots of the main pages for each demo role: ``make screenshots`` (after ``make demo``'s data exists).

Starts the platform on the data directory in this process, signs in as each demo account with Debian's chromium
(never a downloaded browser), clicks through its navigation as a person does and saves one full-page PNG per page
under the output folder, named ``ROLE-PAGE.png``; prints what it saved and any console error it met.

    python scripts/screenshots.py [DATA_DIR] [OUT_DIR]     (defaults: data, screenshots)
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from ipstrong.config import settings
from ipstrong.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from ipstrong.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]  # fmt: skip


def _serve(data_dir: Path) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings(data_dir)), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _name(href: str) -> str:
    return href.strip("/").replace("/", "-") or "home"


def _note(problems: list[str], username: str, url: str, message: object) -> None:
    if getattr(message, "type", "") == "error":
        problems.append(f"{username} {url}: {getattr(message, 'text', '')}")


def main(data_dir: Path, out: Path) -> int:
    if not (data_dir / "warehouse").exists():
        sys.stderr.write(f"{data_dir} 中没有数据：先运行 make demo / no data in {data_dir}: run make demo first\n")
        return 2
    out.mkdir(parents=True, exist_ok=True)
    server, base = _serve(data_dir)
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for username, *_rest in DEMO_ACCOUNTS:
                context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.on("console", lambda m, pg=page, u=username: _note(problems, u, pg.url, m))
                page.goto("/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", DEMO_PASSWORD)
                page.click("#sign-in")
                page.wait_for_selector("#role")
                entries = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
                for href in entries:
                    page.click(f"header nav a[href='{href}']")  # htmx swaps the page in: wait for the new one
                    page.wait_for_function("h => location.pathname === h && document.readyState === 'complete'", arg=href)
                    page.wait_for_load_state("networkidle")
                    page.wait_for_function("() => [...document.querySelectorAll('.chart')].every(c => c.dataset.ready)")
                    target = out / f"{username}-{_name(href)}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                context.close()
            browser.close()
    finally:
        server.should_exit = True
    for line in problems:
        sys.stderr.write(line + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(Path(args[0] if args else "data"), Path(args[1] if len(args) > 1 else "screenshots")))
