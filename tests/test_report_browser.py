"""The report as a reader sees it: a full-page screenshot in headless Chromium, offline.

Skipped where no Chromium is installed; CI machines with one keep the screenshot as a
build artefact (``BRAINFLOPS_SCREENSHOT_DIR``).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

import brainflops
from brainflops.outputs.report import Options, write_report

WINDOW_HEIGHT = 16_000  # px; the report is about 11,000 px tall at 1200 px wide
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
            f"--window-size=1200,{WINDOW_HEIGHT}",
            (out / "report.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[0] == WINDOW_HEIGHT
    assert pixels.std() > 0.05  # figures and tables drew, not a blank page
    # The whole report is in the picture: its last drawn row lies above the window's end.
    drawn = np.nonzero(pixels[..., :3].min(axis=(1, 2)) < 0.98)[0]
    assert 5000 < drawn.max() < WINDOW_HEIGHT - 50
    keep = os.environ.get("BRAINFLOPS_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, keep)
