"""Web app: bytes the browser fetches for the first view, and the time from navigation to the first
question of a practice interview, in headless Chromium (Debian's) against the local stack.

    .venv/bin/python bench/web_app.py [--runs 7]
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.browser import CHROMIUM, QUIET  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OPENAI_", "LLM_"))}
    stack = subprocess.Popen(
        [sys.executable, "-m", "infra.local_stack", "--port", str(port)],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=QUIET)
            # first view: every response body the page loads at /app/
            context = browser.new_context()
            page = context.new_page()
            fetched: dict[str, int] = {}
            page.on("response", lambda r: fetched.__setitem__(r.url.removeprefix(base), len(r.body())))
            page.goto(f"{base}/app/", wait_until="networkidle")
            context.close()
            total = sum(fetched.values())
            print(
                f"first view (/app/): {total:,} bytes uncompressed in {len(fetched)} responses (target < 300 KB)"
            )
            for url, size in sorted(fetched.items(), key=lambda kv: -kv[1]):
                print(f"  {size:>8,}  {url}")

            times = []
            for _ in range(args.runs):
                context = browser.new_context()
                page = context.new_page()
                t = time.perf_counter()
                page.goto(f"{base}/app/#/practice")
                main_ = page.locator("main")
                main_.get_by_label("Topic").fill("Python")
                main_.get_by_role("button", name="Start interview").click()
                page.get_by_test_id("question-text").wait_for(state="visible")
                times.append((time.perf_counter() - t) * 1000)
                context.close()
            browser.close()
        print(
            f"navigation to the first question (/app/#/practice, form filled by script): median "
            f"{statistics.median(times):.0f} ms, min {min(times):.0f}, max {max(times):.0f} over {args.runs} runs"
        )
    finally:
        stack.send_signal(signal.SIGINT)
        stack.wait(timeout=30)


if __name__ == "__main__":
    main()
