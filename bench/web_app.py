"""Web app: bytes the browser fetches for the first view, and the time from navigation to the first
question of a practice interview, in headless Chromium (Debian's) against the local stack.

    .venv/bin/python bench/web_app.py [--runs 7]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.stack_process import local_stack  # noqa: E402
from tests.support.browser import CHROMIUM, QUIET  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with local_stack() as base, sync_playwright() as p:
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


if __name__ == "__main__":
    main()
