"""The report as a reader sees it: a full-page screenshot in headless Chromium, offline.

Skipped where no Chromium is installed; CI machines with one keep the screenshot as a
build artefact (``BRAINFLOPS_SCREENSHOT_DIR``).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

import brainflops
from brainflops.outputs.report import Options, write_report

BROWSER = next(
    (
        shutil.which(b)
        for b in ("chromium", "chromium-browser", "google-chrome")
        if shutil.which(b)
    ),
    None,
)


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed")
def test_report_renders_in_a_browser_without_network(tmp_path):
    import matplotlib.image

    out = tmp_path / "report"
    write_report(brainflops.load_preset("mechanistic-modern"), out, options=Options(samples=500))
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--proxy-server=127.0.0.1:9",
            f"--screenshot={shot}",
            "--window-size=1200,6000",
            (out / "report.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[0] >= 1000
    assert pixels.std() > 0.05  # figures and tables drew, not a blank page
    keep = os.environ.get("BRAINFLOPS_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, keep)
