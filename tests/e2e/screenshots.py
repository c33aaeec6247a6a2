"""``make screenshots``: the main workbench pages over the demo data, saved to docs/screenshots/.

Run: .venv/bin/python -m tests.e2e.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass-2026"


def _wait_until_up(base: str, seconds: float = 60) -> None:
    """The server answers /healthz (start-up takes longer on a busy machine than a fixed sleep allows)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _panel(page, label):
    panel = page.locator("section.actions details", has=page.locator(f"summary:text-is('{label}')")).first
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def _forms(clerk, tablet, base: str, out: Path) -> None:
    """The decision form with one outcome's fields, a refusal beside its field, the correction of
    registration data, the 404 page."""
    clerk.goto(f"{base}/?status=handling")
    case = f"{base}{clerk.locator('#all tbody a').first.get_attribute('href')}"
    for page, name in ((clerk, "decide-form.png"), (tablet, "decide-form-tablet.png")):
        page.goto(case)
        _panel(page, "作出答复决定").locator("select[name=outcome]").select_option("not_exist")
        page.locator("section.actions").screenshot(path=str(out / name))
    panel = _panel(clerk, "作出答复决定")
    panel.locator("select[name=outcome]").select_option("withhold")
    with clerk.expect_navigation():
        panel.locator("button[type=submit]").click()
    clerk.locator("section.actions").screenshot(path=str(out / "decide-form-error.png"))
    clerk.goto(case)
    _panel(clerk, "更正登记信息")
    clerk.locator("section.actions").screenshot(path=str(out / "amend-registration.png"))
    clerk.goto(f"{base}/applications/abc")
    clerk.screenshot(path=str(out / "not-found.png"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/ogi.db", "OGI_DATA_DIR": tmp}
        ogi = str(Path(sys.executable).parent / "ogi")
        subprocess.run([ogi, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([ogi, "demo", "--password", PASSWORD], env=env, check=True, capture_output=True)
        subprocess.run([ogi, "sweep", "--now"], env=env, check=True, capture_output=True)  # the alerts page has some
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
                                  cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"])

                def session(user, width=1366, height=768):
                    page = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page()
                    page.goto(f"{base}/login")
                    page.fill("#username", user)
                    page.fill("#password", PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_url(f"{base}/")
                    return page

                clerk = session("clerk1")
                clerk.screenshot(path=str(out / "queue.png"), full_page=True)
                first = clerk.locator("tbody a").first.get_attribute("href")
                clerk.goto(f"{base}{first}")
                clerk.click("summary:text('期限计算明细')")
                clerk.screenshot(path=str(out / "application.png"), full_page=True)
                clerk.goto(f"{base}/applications/new")
                clerk.screenshot(path=str(out / "register.png"), full_page=True)
                pages = [("head1", "/approvals", "approvals.png"), ("legal1", "/reports", "annual-report.png"),
                         ("legal1", "/reports?kind=audit", "audit-report.png"), ("admin", "/admin", "admin.png"),
                         ("admin", "/account/logins", "logins.png"), ("platform1", "/admin", "admin-platform.png"),
                         ("platform1", "/admin/audit", "admin-audit.png"), ("secrecy1", "/approvals", "approvals-secrecy.png"),
                         ("legal1", "/approvals", "approvals-legal.png"), ("supervisor1", "/approvals", "approvals-supervisor.png"),
                         ("clerk1", "/alerts", "alerts.png"), ("clerk1", "/?scope=all&sort=applicant", "queue-all-by-applicant.png")]
                sessions = {}
                for user, url, name in pages:
                    page = sessions.get(user) or sessions.setdefault(user, session(user))
                    page.goto(f"{base}{url}")
                    page.screenshot(path=str(out / name), full_page=True)
                clerk.goto(f"{base}/?status=awaiting_correction")  # a stopped clock: the correction period instead
                waiting = clerk.locator("#all tbody a").first.get_attribute("href")
                clerk.goto(f"{base}{waiting}")
                clerk.screenshot(path=str(out / "application-correction-period.png"), full_page=True)
                clerk.goto(f"{base}/?status=replied")  # a signed reply: the print views
                signed = clerk.locator("#all tbody a").first.get_attribute("href")
                for path, name in (("/print/form", "print-form.png"), ("/print/approval", "print-approval.png")):
                    clerk.goto(f"{base}{signed}{path}")
                    clerk.screenshot(path=str(out / name), full_page=True)
                clerk.goto(f"{base}{signed}")
                letter = clerk.locator("a:text-is('打印')").first.get_attribute("href")
                clerk.goto(f"{base}{letter}")
                clerk.screenshot(path=str(out / "letter-print.png"), full_page=True)
                admin = sessions["admin"]
                admin.goto(f"{base}/admin")
                admin.locator("details summary").first.click()
                admin.screenshot(path=str(out / "admin-agency-settings.png"), full_page=True)
                sessions["platform1"].goto(f"{base}/admin/calendar")
                sessions["platform1"].screenshot(path=str(out / "calendar.png"), full_page=True)
                tablet = session("clerk1", 820, 1180)
                tablet.screenshot(path=str(out / "queue-tablet.png"), full_page=False)
                for user, url, name in (("admin", "/admin", "admin-tablet.png"), ("platform1", "/admin/calendar", "calendar-tablet.png"),
                                        ("clerk1", f"{signed}/print/approval", "print-approval-tablet.png")):
                    page = session(user, 820, 1180)
                    page.goto(f"{base}{url}")
                    page.screenshot(path=str(out / name), full_page=True)
                _forms(clerk, tablet, base, out)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
