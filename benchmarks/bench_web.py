"""Benchmark: the home page and an API list endpoint under 50 concurrent clients on loopback (wrk).

Goal (issue 4): p95 latency under 100 ms at 50 clients. Runs the platform (`ipstrong serve`, one process) on the
embedded SQLite database and on PostgreSQL (127.0.0.1:5432, database `test`, a schema of its own), each against a
demo warehouse, and prints requests per second and p95 for both, with the ratio of p95 to the goal.
Usage: python benchmarks/bench_web.py [--seconds 15] [--clients 50]   (needs Debian's wrk)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

GOAL_MS = 100.0
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p95_ms=%.2f errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def ipstrong(data: Path, *args: str, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from ipstrong.cli import main; main()", *args],
        env={**env, "IPSTRONG_DATA_DIR": str(data)},
        check=True,
        capture_output=True,
        text=True,
        **kw,
    )


def measure(label: str, database_url: str | None, seconds: int, clients: int) -> None:
    data = Path(tempfile.mkdtemp(prefix="ips-web-bench-"))
    env = dict(os.environ)
    if database_url:
        env["IPSTRONG_DATABASE_URL"] = database_url
    ipstrong(data, "demo", "--patents", "20000", env=env)
    token = ipstrong(data, "tokens", "create", "suzhou", "--name", "bench", "--json", env=env).stdout
    bearer = re.search(r'"token": "([^"]+)"', token).group(1)
    port = 8800 + (os.getpid() % 100)
    server = subprocess.Popen(
        [sys.executable, "-c", "from ipstrong.cli import main; main()", "serve", "--port", str(port)],
        env={**env, "IPSTRONG_DATA_DIR": str(data)},
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # the sign-in form carries a login token, double-submitted in its cookie
        form = urllib.request.urlopen(base + "/login", timeout=5)
        login_cookie = form.headers["set-cookie"].split(";")[0]
        token = re.search(r'name="login_token" value="([^"]+)"', form.read().decode()).group(1)
        body = f"username=suzhou&password=ipstrong-demo-2024&next=/&login_token={token}".encode()
        login = urllib.request.Request(base + "/login", data=body, method="POST", headers={"Cookie": login_cookie})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        try:
            urllib.request.build_opener(NoRedirect).open(login)
        except urllib.error.HTTPError as redirect:
            if redirect.code != 303:
                sys.exit(f"sign-in failed: {redirect.code}")
            cookie = next(c.split(";")[0] for c in redirect.headers.get_all("set-cookie") if c.startswith("ips_session="))
        script = data / "p95.lua"
        script.write_text(LUA)
        for name, path, header in (
            ("home page", "/", f"Cookie: {cookie}"),
            ("GET /api/v1/users", "/api/v1/users", f"Authorization: Bearer {bearer}"),
        ):
            name_, value_ = header.split(": ", 1)
            probe = urllib.request.build_opener(NoRedirect).open(urllib.request.Request(base + path, headers={name_: value_}))
            if probe.status != 200:  # a redirect to the sign-in page would be measured instead of the page
                sys.exit(f"{path} answered {probe.status}, not 200")
            out = subprocess.run(
                ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "-s", str(script), "-H", header, base + path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            m = re.search(r"RESULT rps=([\d.]+) p95_ms=([\d.]+) errors=(\d+)", out)
            rps, p95, errors = float(m.group(1)), float(m.group(2)), int(m.group(3))
            print(
                f"{label:10s} {name:18s} {rps:8.1f} req/s  p95 {p95:7.1f} ms ({p95 / GOAL_MS:.2f} × the 100 ms goal)"
                f"  errors {errors}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    measure("SQLite", None, args.seconds, args.clients)
    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        measure("PostgreSQL", f"{PG}?options=-csearch_path%3D{schema}", args.seconds, args.clients)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
