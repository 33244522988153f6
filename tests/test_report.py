"""The HTML report: self-contained, and rendered with its charts by a real browser when one is there."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_is_self_contained(seed_run):
    _, out = seed_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=["']https?://""", html), "the report must not load anything"
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    assert "深圳市" in html and "verified" in html and "Data quality" in html


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_report_renders_in_headless_chromium(seed_run, tmp_path):
    _, out = seed_run
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (out / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert dom.count("<svg") == 3 and dom.count("<rect") >= 30 and dom.count("<circle") >= 50
    assert "Uncaught" not in result.stderr
