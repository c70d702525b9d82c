"""demanager's fork server: a Python that has already imported Jupyter, and forks notebook servers.

Most of a Jupyter start is Python importing modules (tornado, jupyter_client, IPython through
ipykernel's kernel spec, the server's handlers): about 0.6 s of a 0.9 s start here. This process
imports them once, as the service, and then waits on its stdin. For each start the service sends
one line of JSON naming files and ids, never a secret; this process forks, and the child, before
it runs anything of the notebook's:

1. leads a session of its own (the driver signals the server's process group, as for a spawn);
2. makes the notebook's log its stdout and stderr (a failure from here on is in the log), and
   /dev/null its stdin;
3. moves itself into the notebook's control groups, so nothing of it runs unlimited;
4. reads the notebook's environment (the token included) from the file the service wrote, and
   removes it: the secret reaches only the child, never this process, whose memory every later
   child inherits; and closes every other file descriptor, this process's pipe to the service
   included: no notebook can ever talk to the fork server;
5. rewrites the memory /proc/<pid>/environ and /proc/<pid>/cmdline show (they would otherwise
   show this process's start) to the notebook's environment and the command line an ordinary
   start has: the driver knows its server by the marker in that environment (after a restart
   too), and `ps` and an operator see what they would see of any notebook;
6. drops to the notebook's account for good (supplementary groups, then real, effective and saved
   group and user ids), sets the umask, and changes to the notebook's directory;
7. then runs the Jupyter entry point with the notebook's arguments: its configuration, the user's
   included, is read now, as the user.

Where the imports already made might not be the ones the notebook's own start would make (a
PYTHONPATH, PYTHONHOME or user site-packages of its own), or its environment does not fit, the child
`exec`s the ordinary command instead: the same process, started the ordinary way.

This process answers each fork with the child's pid, and reports each child's exit, one JSON line
each on stdout. It exits when its stdin closes (the service stopped); the notebooks live on.
"""
import ctypes
import gc
import importlib
import io
import json
import os
import pkgutil
import selectors
import signal
import sys

# Variables that change what `import` finds: a notebook whose environment sets any differently
# from this process is started the ordinary way. (The user site-packages, which this process
# leaves out, is looked at on its own: see _user_site.)
IMPORT_VARS = ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONPLATLIBDIR", "PYTHONUSERBASE")
# Modules every notebook server imports while it starts, whichever generation it is.
ALSO_IMPORTED = ("ipykernel.kernelspec", "nest_asyncio", "jinja2.ext")


def _entry_point(name):
    from importlib.metadata import entry_points

    found = entry_points()
    if hasattr(found, "select"):
        found = found.select(group="console_scripts", name=name)
    else:
        found = [e for e in found.get("console_scripts", []) if e.name == name]
    for entry in found:
        return entry
    raise SystemExit("no console script named " + name)


def _import_handlers(package):
    """The request handlers in `package`, at any depth: the server imports them as it builds its web app."""
    try:
        module = importlib.import_module(package)
    except Exception:
        return
    for info in pkgutil.iter_modules(getattr(module, "__path__", []), package + "."):
        last = info.name.rsplit(".", 1)[1]
        if last in ("tests", "test"):
            continue
        if last == "handlers":
            try:
                importlib.import_module(info.name)
            except Exception:
                pass
        elif info.ispkg:
            _import_handlers(info.name)


def _preload(script):
    entry = _entry_point(script)
    main = entry.load()
    top = entry.module.split(".")[0]
    for package in dict.fromkeys((top, "jupyter_server", "notebook")):
        _import_handlers(package)
    for name in ALSO_IMPORTED:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    return main


def _send(message):
    os.write(1, (json.dumps(message) + "\n").encode())


def _exit_code(status):
    if os.WIFEXITED(status):
        return {"code": os.WEXITSTATUS(status), "signal": None}
    return {"code": None, "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None}


def _serve(wakeup):
    """Forks a child per request line; returns the request in the child, or None once stdin closes."""
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wakeup, selectors.EVENT_READ)
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.fd == wakeup:
                os.read(wakeup, 4096)
                while True:
                    try:
                        pid, status = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                    _send({"exit": pid, **_exit_code(status)})
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                return None
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                try:
                    pid = os.fork()
                except OSError as err:
                    _send({"id": request["id"], "error": str(err)})
                    continue
                if pid == 0:
                    selector.close()
                    return request
                _send({"id": request["id"], "pid": pid})


def _areas():
    """Where the kernel finds what /proc/<pid>/cmdline and environ show: /proc/self/stat's fields 48 to 51."""
    with open("/proc/self/stat", "rb") as stat:
        text = stat.read()
    fields = [int(f) for f in text[text.rindex(b")") + 2 :].split()[45:49]]
    return (fields[0], fields[1]), (fields[2], fields[3])


def _overwrite(area, strings):
    """Puts NUL-ended `strings` where `area` is, the rest NULs (read as empty); False when they do not fit."""
    start, end = area
    shown = b"".join(s.encode() + b"\0" for s in strings)
    if not start or len(shown) > end - start:
        return False
    ctypes.memmove(start, shown + b"\0" * (end - start - len(shown)), end - start)
    return True


def _show(command_line, env):
    arguments, environment = _areas()
    environ = ["%s=%s" % item for item in env.items()]
    return _overwrite(environment, environ) and _overwrite(arguments, command_line)


def _drop(uid, gid):
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid) or os.getgroups():
        raise RuntimeError("privileges were not dropped")


def _user_site(env):
    """The user site-packages a Python started with `env` would add, if it exists."""
    if env.get("PYTHONNOUSERSITE"):
        return None
    base = env.get("PYTHONUSERBASE") or os.path.join(env.get("HOME", "/nonexistent"), ".local")
    path = os.path.join(base, "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
    return path if os.path.isdir(path) else None


def _output(fd):
    """A text stream on `fd` as Python makes stdout for this environment (unbuffered under PYTHONUNBUFFERED)."""
    raw = io.FileIO(fd, "w", closefd=False)
    if os.environ.get("PYTHONUNBUFFERED"):
        return io.TextIOWrapper(raw, line_buffering=True, write_through=True)
    return io.TextIOWrapper(io.BufferedWriter(raw), line_buffering=True)


def _become(request, preloaded_env):
    """The child: everything up to running the notebook (see the module's docstring)."""
    os.setsid()
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # The log first, so that whatever goes wrong from here is in it, where the start's failure quotes it.
    log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    for group in request.get("groups") or []:
        with open(os.path.join(group, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    with open(request["envFile"]) as given:
        env = json.load(given)
    os.unlink(request["envFile"])
    os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536)
    shown = _show([sys.executable, request["script"], *request["argv"][1:]], env)
    uid, gid = request.get("uid"), request.get("gid")
    if uid is not None and gid is not None:
        _drop(int(uid), int(gid))
    if request.get("umask"):
        os.umask(0o007)
    os.chdir(request["cwd"])
    argv = request["argv"]
    same_imports = all(env.get(name) == preloaded_env.get(name) for name in IMPORT_VARS)
    import_path = request.get("importPath") or []
    if not shown or not same_imports or _user_site(env):
        # Started afresh, the server finds the extra directories where a spawned one does: in PYTHONPATH.
        if import_path:
            env["PYTHONPATH"] = os.pathsep.join([*import_path, *filter(None, [env.get("PYTHONPATH")])])
        os.execve(request["executable"], [request["executable"], *argv], env)
    os.environ.clear()
    os.environ.update(env)
    # What this process's own start variables set, as the notebook's would have.
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    sys.stdin = open(0, closefd=False)
    sys.stdout, sys.stderr = _output(1), _output(2)
    sys.argv = [request["script"], *argv[1:]]
    sys.path[0] = os.path.dirname(request["script"])
    sys.path[1:1] = import_path


def main():
    # sys.argv[2] is room for the command line each child shows in its place.
    script = "jupyter-" + sys.argv[1]
    preloaded_env = dict(os.environ)
    # Ctrl-C in the service's terminal is the service's to handle: this process ends with its stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    entry = _preload(script)
    # What was imported is shared with every child, copy-on-write: kept out of the children's
    # garbage collection, which would otherwise write to (and so copy) every page of it.
    gc.collect()
    gc.freeze()
    wakeup, notify = os.pipe()
    os.set_blocking(notify, False)
    signal.set_wakeup_fd(notify)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _send({"ready": os.getpid()})
    request = _serve(wakeup)
    if request is None:
        return 0
    try:
        _become(request, preloaded_env)
    except BaseException as err:
        os.write(2, ("demanager fork server: the notebook could not be started: %s: %s\n" % (type(err).__name__, err)).encode())
        os._exit(125)
    return entry()


if __name__ == "__main__":
    sys.exit(main())
