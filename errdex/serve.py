"""Serve a built site on 127.0.0.1 the way GitHub Pages does, for trying it by hand and tests.

Under a base path (/repo/): folders serve their index.html (a folder without its trailing
slash is redirected to it), and a missing path gets /404.html with status 404.
"""

import argparse
import functools
import http.server
import posixpath
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler with a base path and GitHub Pages' 404 behaviour."""

    base_path = "/"

    def log_message(self, format, *args):  # quiet: tests and `make serve` read their own output
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):
        path = unquote(urlsplit(self.path).path)
        if path + "/" == self.base_path:
            return self._redirect(self.base_path)
        if not path.startswith(self.base_path):
            return self._not_found()
        relative = posixpath.normpath(path[len(self.base_path):] or ".")
        if relative.startswith(".."):
            return self._not_found()
        target = Path(self.directory) / relative
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        self.path = "/" + target.relative_to(self.directory).as_posix()
        return super().send_head()

    def _redirect(self, location):
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not Found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


def make_server(root, base_path="/", port=0):
    """A server for `root` under `base_path` on 127.0.0.1 (port 0: any free port)."""
    base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    handler = type("Handler", (PagesHandler,), {"base_path": base_path})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(Path(root).resolve())))
    server.base_path = base_path
    return server


def serve_in_background(root, base_path="/"):
    """Start a server thread; return (server, base URL). Call server.shutdown() to stop."""
    server = make_server(root, base_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address
    return server, f"http://{host}:{port}{server.base_path}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default="site")
    parser.add_argument("--base-path", default="/")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = make_server(args.root, args.base_path, args.port)
    print(f"serving {args.root} at http://127.0.0.1:{server.server_address[1]}{server.base_path} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
