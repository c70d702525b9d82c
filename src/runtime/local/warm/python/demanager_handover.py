"""demanager's hand-over of a warm notebook server to its user.

A warm server is started before anyone asks for it, so it cannot yet run as the account of the
user who will get it. It runs no user code until then: no kernel or terminal can start before
the hand-over (nobody but the service knows its token). The service calls
POST {base_url}demanager/handover once, with the server's own token, and this extension then,
in this order and before it answers: sets the user's environment (what kernels and terminals
inherit), points the contents and kernel managers at the user's storage, gives the server's
runtime files to the account, and drops root for good (supplementary groups, then real,
effective and saved group and user ids, then no_new_privs). From then on the process is the
user's; the kernel marks it non-dumpable, so the user's kernels cannot trace it or read its
memory. A second call is refused: the endpoint works once.

Loaded with --NotebookApp.nbserver_extensions (notebook 6) or --ServerApp.jpserver_extensions
(jupyter_server), so it works with either generation.
"""
import ctypes
import hmac
import json
import os

from tornado import web

PR_SET_NO_NEW_PRIVS = 38
_state = {"handed": False}


def _own_dir():
    return os.path.dirname(os.path.abspath(__file__))


def _forget_python_path():
    """A spawned server found this module through PYTHONPATH (a forked one on sys.path only); kernels must not inherit that entry."""
    mine = _own_dir()
    kept = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.abspath(p) != mine]
    if kept:
        os.environ["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        os.environ.pop("PYTHONPATH", None)


def _chown_tree(top, uid, gid):
    """Gives `top` and what is below it to the account, following no symbolic link."""
    os.lchown(top, uid, gid)
    for parent, dirs, files in os.walk(top, followlinks=False):
        for name in dirs + files:
            os.lchown(os.path.join(parent, name), uid, gid)


def _drop(uid, gid):
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
        raise RuntimeError("privileges were not dropped")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")


def _set_root(app, root):
    for owner in (app, getattr(app, "contents_manager", None), getattr(app, "kernel_manager", None)):
        if owner is None:
            continue
        for name in ("root_dir", "notebook_dir"):
            if owner.has_trait(name):
                setattr(owner, name, root)
    settings = app.web_app.settings
    if "server_root_dir" in settings:
        settings["server_root_dir"] = root
    terminals = settings.get("terminal_manager")
    if terminals is not None and isinstance(getattr(terminals, "extra_env", None), dict):
        terminals.extra_env["JUPYTER_SERVER_ROOT"] = root


def _make_handler(app):
    class HandOver(web.RequestHandler):
        def check_xsrf_cookie(self):
            # Authenticated by the token header alone, never by a cookie: nothing to forge.
            pass

        def post(self):
            given = self.request.headers.get("Authorization", "")
            expected = "token " + (app.token or "")
            if not app.token or not hmac.compare_digest(given.encode(), expected.encode()):
                raise web.HTTPError(403)
            if _state["handed"]:
                raise web.HTTPError(409)
            _state["handed"] = True
            body = json.loads(self.request.body or b"{}")
            os.environ.update({str(k): str(v) for k, v in (body.get("env") or {}).items()})
            root = body.get("root_dir")
            if root:
                _set_root(app, root)
            uid, gid = body.get("uid"), body.get("gid")
            if uid is not None and gid is not None:
                runtime = os.environ.get("JUPYTER_RUNTIME_DIR")
                if runtime and os.path.isdir(runtime):
                    _chown_tree(runtime, uid, gid)
                _drop(int(uid), int(gid))
                os.umask(0o007)
            if root:
                os.chdir(root)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"pid": os.getpid(), "uid": os.getuid(), "gid": os.getgid()}))

    return HandOver


def _setup(app):
    _forget_python_path()
    base = app.web_app.settings.get("base_url", "/")
    app.web_app.add_handlers(".*$", [(base.rstrip("/") + "/demanager/handover", _make_handler(app))])


def load_jupyter_server_extension(nbapp):
    _setup(nbapp)


def _load_jupyter_server_extension(serverapp):
    _setup(serverapp)


def _jupyter_server_extension_points():
    return [{"module": "demanager_handover"}]
