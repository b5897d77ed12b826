"""`make golden`: rebuild tests/golden/ from the small fixture dataset. Review the diff by hand."""

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from errdex.site import SiteInputs, SiteSettings, build_site  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
# Assets change with design work; the golden files pin the pages and data files.
SKIPPED = ("assets/",)


def build_golden(out):
    """Build the fixture site as the golden files expect it."""
    build_site(FIXTURES / "golden-data.json", out, SiteSettings.from_options("https://example.test/errdex/"),
               inputs=SiteInputs(content_locale_dir=FIXTURES / "golden-locale"))
    return Path(out)


def golden_files(root):
    """{relative path: text} of the files the golden test compares."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()
            and not p.relative_to(root).as_posix().startswith(SKIPPED)}


def main():
    with tempfile.TemporaryDirectory() as staging:
        files = golden_files(build_golden(Path(staging) / "site"))
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, text in files.items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} golden files to {GOLDEN.relative_to(ROOT)}; review them with 'git diff tests/golden'")


if __name__ == "__main__":
    main()
