"""`make screenshots`: every page type in both languages and colour schemes, on a desktop and
on a phone, as PNG files in screenshots/ (git-ignored) for a person to look at.

Not a test. Chinese text needs a CJK font (Debian: fonts-noto-cjk); without one it shows as
empty boxes, so the script warns when fontconfig knows no Chinese font.
"""

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import sync_playwright

from errdex.serve import serve_in_background
from errdex.site import SiteInputs, SiteSettings, build_site
from tests.browsing import PHONE, open_settled, page_types
from tests.conftest import BASE_PATH, CHROMIUM, CHROMIUM_ARGS, ROOT, SEED_DATA

OUT = ROOT / "screenshots"
DEVICES = {"desktop": {"viewport": {"width": 1280, "height": 800}}, "phone": PHONE}
SCHEMES = ("light", "dark")
# Long pages (the home page lists every code) are cut here: the top is what a reader sees.
MAX_HEIGHT = 3000


def has_chinese_font():
    """True if fontconfig lists a font that covers Chinese."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


def build_seed_site(folder):
    """Build the committed data into folder/site, leaving the URL registry untouched."""
    out = Path(folder) / "site"
    inputs = replace(SiteInputs.repository(), registry_file=None)
    build_site(SEED_DATA, out, SiteSettings.from_options("", BASE_PATH), inputs=inputs)
    return out


def take(browser, site_url, device, scheme):
    """Screenshot every page type on one device in one colour scheme; return the files."""
    files = []
    for name, path in page_types():
        # Without scripts the landing page stays to be seen instead of going to a language.
        context = browser.new_context(**DEVICES[device], color_scheme=scheme, locale="en-US",
                                      java_script_enabled=bool(path))
        page = open_settled(context, site_url + path)
        target = OUT / f"{name}-{device}-{scheme}.png"
        width, height = page.evaluate("[innerWidth, document.documentElement.scrollHeight]")
        page.screenshot(path=str(target), full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)})
        files.append(target)
        context.close()
    return files


def main():
    if not has_chinese_font():
        print("warning: no Chinese font found; install fonts-noto-cjk or Chinese shows as boxes",
              file=sys.stderr)
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        server, site_url = serve_in_background(build_seed_site(folder), BASE_PATH)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                files = [f for device in DEVICES for scheme in SCHEMES for f in take(browser, site_url, device, scheme)]
                browser.close()
        finally:
            server.shutdown()
    print(f"wrote {len(files)} screenshots to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
