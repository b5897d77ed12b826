"""Schedule: render every language's pages, the search index and the API on both cores.

Two processes share the work. The build process starts with the first language's pages
and the API files; a forked worker with the search index and the last language's other
pages. Then both take the last language's code pages in chunks, each the next chunk when
it is free (a counter in shared memory), so they end together whatever the data and the
machine. Results are sorted by task and chunk, so the output never depends on which
process made what. Two processes, not one per task: a forked process copies every page
of the dataset it reads (reference counts), so each costs a dataset's worth of memory.

The worker gets its work as arguments (inherited by the fork, not pickled) and sends its
results back through a pipe; a worker that dies is a BuildError, never a hang.
"""

import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from . import search_index, urls
from .errors import BuildError
from .gather import SiteContent
from .languages import LANGUAGES
from .output import write_api_files
from .pipeline import TreeWriter
from .render import PageRenderer, make_environment
from .reuse import Previous, Reuse, data_key, page_key
from .views import SiteViews, language_pages

# Below this many codes, forking a worker costs more than it saves.
PARALLEL_THRESHOLD = 200
CHUNK_MIN_CODES = 50


@dataclass(frozen=True)
class Job:
    """What every process of a build reads: the checked inputs and where to write."""

    content: SiteContent
    settings: object  # site.SiteSettings
    content_locale_dir: Path | None
    staging: Path
    previous: Previous | None = None  # the last build's pages, where a rebuild can reuse them


@dataclass(frozen=True)
class LanguageResult:
    """What a share of one language's pages left: its pages (for sitemap and registry) and gaps."""

    order: tuple  # where its pages go in the sitemap and its gaps in the warnings
    lang: str
    pages: tuple  # their paths (only: at 100,000 codes each byte per page is 200 KB)
    keys: tuple  # each page's reuse.page_key
    missing: tuple  # (untranslated text, first place it was needed)
    unlisted: frozenset  # paths of its pages that the sitemap leaves out (redirects)


@dataclass(frozen=True)
class Rendered:
    """What the tasks left in the staging folder besides the shared files."""

    results: list  # LanguageResult, in task and chunk order
    files: dict  # {file: reuse key} of the search index and the API files


def render_site(job, workers=None):
    """Every page, the search index and the API files into job.staging."""
    serial = (workers or os.cpu_count() or 1) == 1 or page_count(job.content) < PARALLEL_THRESHOLD \
        or "fork" not in multiprocessing.get_all_start_methods()
    chunks = Chunks(page_count(job.content))
    # The same tasks and chunks whether or not they run in parallel: the output must not
    # depend on the machine.
    if serial:
        outputs = [first_task(job, chunks), second_task(job, chunks)]
    else:
        with Worker(second_task, job, chunks) as worker:
            outputs = [first_task(job, chunks)]
            outputs.append(worker.result())
    results = sorted((r for results, _ in outputs for r in results), key=lambda result: result.order)
    return Rendered(results, {file: key for _, files in outputs for file, key in files.items()})


def page_count(content):
    """The code pages of a language: current and retired codes."""
    return len(content.dataset.codes) + len(content.retired)


def first_task(job, chunks):
    """The first language's pages and the API files, then chunks of the last language."""
    builder = LanguageBuilder(job, LANGUAGES[0])
    results = [builder.build(order=(0,))]
    del builder  # its views cover every code: let them go before the chunks
    files = write_api_files(job.content, job.staging, job.content_locale_dir, reuser(job))
    return results + take_chunks(job, chunks), files


def second_task(job, chunks):
    """The search index, the last language's pages other than code pages, then chunks."""
    builder = LanguageBuilder(job, LANGUAGES[-1])
    files = write_search_index(job, builder.views)
    results = [builder.build(order=(1,), codes=slice(0, 0))]
    return results + take_chunks(job, chunks, builder), files


def take_chunks(job, chunks, builder=None):
    """Render chunks of the last language's code pages until none are left."""
    results, builder = [], builder or LanguageBuilder(job, LANGUAGES[-1])
    while (chunk := chunks.take()) is not None:
        number, codes = chunk
        results.append(builder.build(order=(2, number), codes=codes, others=False))
    return results


def write_search_index(job, views):
    """The search index of every language, by search_index.write_search_index; {file: key}.

    The parts that index texts are the same in every language (each indexes both languages'
    texts), so they are computed once, from the records of `views`; each language's
    documents (what a result shows) come from its own views' records. When all the records
    are those of the last build, its index is linked instead.
    """
    records = {lang: views.search_records() if lang == views.lang
               else make_views(job, lang).search_records(with_texts=False) for lang in LANGUAGES}
    key, reuse = data_key(records), reuser(job)
    linked = reuse.link_all(urls.SEARCH_INDEX, key) if reuse else None
    if linked:
        return dict.fromkeys(linked, key)
    shared = search_index.shared_index(records[views.lang])
    paths = [path for lang in LANGUAGES
             for path in search_index.write_search_index(records[lang], lang, job.staging, shared=shared)]
    return dict.fromkeys(paths, key)


def reuser(job):
    """A Reuse of the last build's files, or None for a build from scratch."""
    return Reuse(job.previous, job.staging) if job.previous else None


def make_views(job, lang):
    """The view data of one language."""
    content = job.content
    return SiteViews(content.dataset, lang, job.content_locale_dir, content.retired, content.redirects,
                     content.notes, content.complete, content.reuse)


class LanguageBuilder:
    """Renders a language's pages, in as many calls as the build shares them out.

    The views, the renderer and the writer are made once: the views' rows and indexes
    cover every code, which a chunk of code pages would otherwise pay for again.
    """

    def __init__(self, job, lang):
        self.lang = lang
        self.views = make_views(job, lang)
        self.renderer, self.writer = PageRenderer(make_environment(lang), job.settings), TreeWriter(job.staging)
        self.reuse = reuser(job)
        self._reported = 0  # texts found missing, reported by earlier calls

    def build(self, order, codes=slice(None), others=True):
        """Render a slice of the code pages (or link them from the last build), and the other
        pages if `others`."""
        written, keys, unlisted = [], [], []
        table_rows = self.renderer.env.globals["code_rows"]
        for spec in language_pages(self.views, codes=codes, others=others):
            if spec.template == "code.html":  # the index pages, which come first, are done
                table_rows.forget()
            file, key = urls.output_file(spec.path), page_key(spec)
            if self.reuse is None or not self.reuse.link(file, key):
                self.writer.write(file, self.renderer.render(spec))
            written.append(spec.path)
            keys.append(key)
            if spec.template == "redirect.html":
                unlisted.append(spec.path)
        table_rows.forget()
        # Only the texts this process had not reported yet: it takes chunks in increasing
        # order, so the results, sorted, name each text's first place.
        missing = tuple(itertools.islice(self.views.translator.missing.items(), self._reported, None))
        self._reported += len(missing)
        return LanguageResult(order, self.lang, tuple(written), tuple(keys), missing, frozenset(unlisted))


class Chunks:
    """The last language's code pages in chunks, handed to whichever process asks next.

    The counter lives in shared memory, so a forked worker takes from the same one.
    """

    def __init__(self, count):
        # About a hundred chunks: the last one ends within about 1% of the build of the
        # other process, and a chunk's own cost stays small.
        self.size = max(CHUNK_MIN_CODES, -(-count // 100))
        self.count = -(-count // self.size)
        self._next = multiprocessing.Value("q", 0)

    def take(self):
        """The next chunk's (number, slice of code pages), or None when all are taken."""
        with self._next.get_lock():
            number = self._next.value
            self._next.value = number + 1
        if number >= self.count:
            return None
        return number, slice(number * self.size, (number + 1) * self.size)


class Worker:
    """task(*args) in a forked process; result() returns its value or raises its error.

    A worker that dies (the out-of-memory killer's SIGKILL, say) is a BuildError. Leaving
    the `with` block stops a worker that is still running, so none outlives its build.
    """

    def __init__(self, task, *args):
        context = multiprocessing.get_context("fork")
        self._results, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_run_task, args=(task, args, sender, os.getpid()), daemon=True)
        self.process.start()
        sender.close()  # the worker's end only: recv() ends when the worker ends

    def __enter__(self):
        return self

    def __exit__(self, *failure):
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._results.close()

    def result(self):
        """What the task returned; its exception re-raised; a BuildError if the worker died."""
        try:
            outcome, value = self._results.recv()
        except EOFError:
            self.process.join()
            raise BuildError(f"a build worker (pid {self.process.pid}) died ({exit_reason(self.process.exitcode)}) "
                             f"before it finished; nothing was published") from None
        if outcome == "error":
            raise value
        return value


def _run_task(task, args, sender, parent):
    """In the worker: run the task and send back ("done", value) or ("error", exception)."""
    _die_with(parent)
    try:
        outcome = ("done", task(*args))
    except BaseException as error:  # the build process re-raises it
        outcome = ("error", error)
    try:
        sender.send(outcome)
    except Exception:  # an exception that cannot be pickled: its text
        sender.send(("error", BuildError(f"a build worker failed: {outcome[1]!r}")))


def exit_reason(code):
    """'killed by SIGKILL' or 'exit status N', for a process's exit code."""
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _die_with(parent):
    """Ask Linux to kill this worker when the build process dies, so that no orphan writes on."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    PR_SET_PDEATHSIG = 1  # noqa: N806 (the kernel's name)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request: nobody waits for this work
        os._exit(1)
