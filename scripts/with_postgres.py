#!/usr/bin/env python3
"""Run a command against a real PostgreSQL, e.g. the test suite.

Order of preference:
1. ``NQI_TEST_DATABASE_URL`` when set: used as it is.
2. A throw-away cluster made with the installed PostgreSQL binaries (initdb as the ``postgres``
   user when running as root), listening on a free loopback port with fsync off; it is stopped
   and removed afterwards, whatever the command's outcome.
3. Neither possible: a loud notice and exit 0 — except under CI (``CI=true``), where it fails.

The command runs with ``DATABASE_URL`` set to the database. Usage:
    scripts/with_postgres.py -- pytest -m db
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile


def _banner(message: str) -> None:
    line = "!" * 78
    print(f"\n{line}\n!! {message}\n{line}\n", file=sys.stderr, flush=True)


def _find_bin_dir() -> str | None:
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return os.path.dirname(candidates[0]) if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    return ["runuser", "-u", user, "--", *argv]


def run_with_cluster(command: list[str]) -> int:
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        return _unavailable("no PostgreSQL binaries (initdb) found")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return _unavailable("running as root but there is no 'postgres' user for initdb")
        run_as = "postgres"
    base = tempfile.mkdtemp(prefix="nqi-pg-")
    data_dir = os.path.join(base, "data")
    if run_as:
        shutil.chown(base, user=run_as)
    port = _free_port()
    pg_ctl = os.path.join(bin_dir, "pg_ctl")
    try:
        subprocess.run(
            _as_user(
                run_as,
                [
                    os.path.join(bin_dir, "initdb"),
                    "-D",
                    data_dir,
                    "-U",
                    "nqi",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        subprocess.run(
            _as_user(
                run_as,
                [pg_ctl, "-D", data_dir, "-o", options, "-l", os.path.join(base, "log"), "-w", "start"],
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = f"postgres://nqi@127.0.0.1:{port}/nqi"
        subprocess.run(
            _as_user(
                run_as,
                [os.path.join(bin_dir, "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "nqi", "nqi"],
            ),
            check=True,
        )
        print(f"with_postgres: throw-away cluster on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        return subprocess.run(command, env={**os.environ, "DATABASE_URL": url}).returncode
    except subprocess.CalledProcessError as exc:
        log = os.path.join(base, "log")
        if os.path.exists(log):
            with open(log) as handle:
                print(handle.read()[-3000:], file=sys.stderr)
        return _unavailable(f"could not start a PostgreSQL cluster: {exc}")
    finally:
        if os.path.exists(os.path.join(data_dir, "postmaster.pid")):
            subprocess.run(
                _as_user(run_as, [pg_ctl, "-D", data_dir, "-m", "immediate", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(base, ignore_errors=True)


def _unavailable(reason: str) -> int:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        _banner(f"PostgreSQL run FAILED under CI: {reason}")
        return 1
    _banner(f"PostgreSQL tests SKIPPED: {reason}. Set NQI_TEST_DATABASE_URL or install PostgreSQL.")
    return 0


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    url = os.environ.get("NQI_TEST_DATABASE_URL")
    if url:
        return subprocess.run(argv, env={**os.environ, "DATABASE_URL": url}).returncode
    return run_with_cluster(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
