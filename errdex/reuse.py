"""Rebuilds: a page whose inputs are those of the last build is linked from it, not rendered.

A maintainer rebuilds all day with a few codes, notes or translations changed. Each code
page's key is a digest of everything its template is given (its view data, path, template and
alternates); everything else a page depends on (errdex's code, the templates, the
catalogs, the libraries' versions, the site settings) goes into one digest of the inputs.
The manifest beside the site, `.{name}.manifest.json`, keeps the inputs' digest, each
page's key and the identity of the site folder it describes (device, inode, mtime). A
build whose inputs' digest and site match hard-links each page whose key is unchanged
from the site into its staging folder (the site itself is never written to), and renders
the rest. The manifest is written under the build's lock after the swap: a build killed
before it leaves a manifest that names another folder, which no build trusts.

Keys are digests of the view data's repr, which for the views' dataclasses shows every
field. A view type whose repr left out what its page shows would make rebuilds stale:
tests build the site both ways and compare bytes.
"""

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .i18n import LOCALE_DIR
from .pipeline import write_atomic
from .render import TEMPLATES_DIR

FORMAT = 1
ERRDEX_DIR = Path(__file__).resolve().parent
# The libraries whose output is in the pages.
LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "babel")


@dataclass(frozen=True)
class Previous:
    """The last build's site and its pages' keys ({file: key}), known to be reusable."""

    site: Path
    keys: dict


def manifest_path(out):
    return Path(out).with_name(f".{Path(out).name}.manifest.json")


def inputs_digest(settings, content_locale_dir):
    """A digest of what every page depends on besides its own view data."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {settings!r}".encode())
    for library in LIBRARIES:
        digest.update(f"{library} {metadata.version(library)}\n".encode())
    folders = [(ERRDEX_DIR, "*.py"), (TEMPLATES_DIR, "**/*"), (LOCALE_DIR, "**/*.po")]
    if content_locale_dir is not None:
        folders.append((Path(content_locale_dir), "**/*.po"))
    for folder, pattern in folders:
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def folder_identity(folder):
    """[device, inode, mtime in ns] of a folder: which folder it is, and that its top level is unchanged."""
    status = os.stat(folder)
    return [status.st_dev, status.st_ino, status.st_mtime_ns]


def previous_build(out, inputs):
    """What of the site at `out` a build with these inputs can reuse; None if nothing."""
    try:
        manifest = json.loads(manifest_path(out).read_text(encoding="utf-8"))
        if (manifest["format"], manifest["inputs"], manifest["site"]) == (FORMAT, inputs, folder_identity(out)):
            return Previous(Path(out), manifest["pages"])
    except (OSError, ValueError, KeyError, TypeError):  # no manifest, or not one we wrote
        pass
    return None


def write_manifest(out, inputs, keys):
    """Record the pages' keys of the site now at `out` (after its swap, under the lock)."""
    keys = {file: key for file, key in keys.items() if key is not None}
    write_atomic(manifest_path(out), json.dumps(
        {"format": FORMAT, "inputs": inputs, "site": folder_identity(out), "pages": keys},
        sort_keys=True, separators=(",", ":")))


# The pages worth a key: one per code (and per redirect). The pages that list codes (home,
# prefix, status and service pages) are rendered every time: their rows are rendered once
# per build anyway (render.TableRows), so such a page costs less to render than the digest
# of its data (the repr of each of its rows): at 1,000 codes their keys took 0.15 s per
# language, their renders 0.08 s.
KEYED_TEMPLATES = frozenset({"code.html", "redirect.html"})


def page_key(spec):
    """A digest of all that a page's template is given; None for a page rendered every time."""
    if spec.template not in KEYED_TEMPLATES:
        return None
    return data_key((spec.template, spec.path, spec.lang, spec.context, spec.alternates))


def data_key(data):
    """A digest of data made of dataclasses, containers and plain values.

    By repr, which shows every field of a dataclass and every item of a container (a code
    page's data takes about a tenth of its render). An object without a repr of its own
    shows its address, so a page given one is never reused: safe, only slower.
    """
    return text_key(repr(data))


def text_key(text):
    """A digest of a file's text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Reuse:
    """link(file, key): the last build's file, hard-linked into the staging folder if its key
    is the same; False when the page must be rendered."""

    def __init__(self, previous, staging):
        self.keys = previous.keys
        self.site, self.staging = str(previous.site), str(staging)

    def link_all(self, prefix, key):
        """Link every file of the last build under `prefix` if all have this key; their
        files, or None (then none is linked)."""
        files = [file for file, known in self.keys.items() if file.startswith(prefix)]
        if not files or any(self.keys[file] != key for file in files):
            return None
        linked = [file for file in files if self.link(file, key)]
        return files if len(linked) == len(files) else None

    def link(self, file, key):
        if key is None or self.keys.get(file) != key:
            return False
        source, target = f"{self.site}/{file}", f"{self.staging}/{file}"
        try:
            os.link(source, target)
        except FileNotFoundError:
            try:  # its folder is not made yet
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(source, target)
            except OSError:
                return False
        except OSError:  # a file system without hard links, say: render it
            return False
        return True
