"""Run a Python project's commands without paying for `import openai` each time.

Importing the SDK takes most of a second of CPU, and the conformance tests run
a Python command a few hundred times: half the suite's CPU went to importing
the same modules again. So a server, started once per project and test worker
with the project's own interpreter, imports the kit's public face (the SDK with
it) and forks a child per command. The child takes the caller's stdin, stdout
and stderr, working directory, environment and arguments, then runs the module
as `python -m` does, to the interpreter's own exit: SystemExit, KeyboardInterrupt
and uncaught errors end it as they end any `python -m` run. The command itself
(verify, login, keys) is imported afresh in each child, never in the server.

    python warm_python.py serve SOCKET PACKAGE          (the project's python)
    python warm_python.py run SOCKET PYTHON MODULE ARGS...   (any python: the client)

The client is the process callers start and signal: it passes SIGINT, SIGTERM and
SIGHUP on to the child, and exits as the child did (a signal's death included);
if the client dies first, the server kills the child. A command whose environment
changes how an interpreter starts (PYTHON*, the locale) runs cold: the client
becomes `PYTHON -m MODULE ARGS...`. What a warm run cannot show is the process's
own memory: tests that measure it start the command themselves.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
from typing import Any

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Variables read as an interpreter starts: a run that sets them differently runs cold.
STARTUP = ("PYTHON", "LC_", "LANG")


def startup_environment(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name.startswith(STARTUP)}


# ---------------------------------------------------------------------------- the server
def serve(path: str, package: str) -> dict[str, Any]:
    """Import the package, then serve; return, in a forked child only, the child's request."""
    __import__(package)
    with open(path + ".startup", "w", encoding="utf-8") as startup:
        json.dump(startup_environment(dict(os.environ)), startup)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(16)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    children: dict[int, socket.socket] = {}
    while True:
        connections = list(children.values())
        readable, _, _ = select.select([listener, *connections], [], [], 0.01)
        for pid, connection in list(children.items()):
            if connection in readable and not connection.recv(1):
                os.kill(pid, signal.SIGKILL)  # the client died: so does its command
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            connection = children.pop(pid)
            with contextlib.suppress(OSError):  # the client is gone: nobody to tell
                connection.send(str(status).encode())
            connection.close()
        if listener not in readable:
            continue
        connection, _ = listener.accept()
        message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        pid = os.fork()
        if pid == 0:
            listener.close()
            for other in children.values():
                other.close()
            connection.close()
            return {**json.loads(message), "fds": fds}
        for fd in fds:
            os.close(fd)
        connection.send(str(pid).encode())
        children[pid] = connection


def become(request: dict[str, Any]) -> None:
    """In the child: take the caller's files, place and environment, as a new interpreter."""
    for target, fd in enumerate(request["fds"]):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    # Standard streams as Python makes them at start-up, on these files.
    stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
    assert stdin is not None and stdout is not None and stderr is not None
    sys.stdin = sys.__stdin__ = open(  # noqa: SIM115 - the interpreter's, for its lifetime
        0, encoding=stdin.encoding, errors=stdin.errors, closefd=False
    )
    sys.stdout = sys.__stdout__ = open(  # noqa: SIM115
        1, "w", 1 if os.isatty(1) else -1, stdout.encoding, stdout.errors, closefd=False
    )
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115 - line-buffered, as Python's is
        2, "w", 1, stderr.encoding, stderr.errors, closefd=False
    )
    sys.argv = [request["module"], *request["args"]]
    sys.path[0] = os.getcwd()  # as `python -m` puts it


# ---------------------------------------------------------------------------- the client
def run(path: str, python: str, module: str, args: list[str]) -> None:
    """Have the server run `python -m module args` as this process, and exit as it did."""
    env = dict(os.environ)
    with open(path + ".startup", encoding="utf-8") as startup:
        if startup_environment(env) != json.load(startup):
            os.execv(python, [python, "-m", module, *args])
    client = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    client.connect(path)
    request = {"module": module, "args": args, "cwd": os.getcwd(), "env": env}
    socket.send_fds(client, [json.dumps(request).encode()], [0, 1, 2])
    pid = int(client.recv(64) or -1)
    if pid < 0:
        sys.exit(f"warm_python: the server at {path} is gone")
    for number in FORWARDED:
        signal.signal(number, lambda received, _: os.kill(pid, received))
    status = client.recv(64)
    if not status:
        sys.exit(f"warm_python: the server at {path} is gone")
    code = os.waitstatus_to_exitcode(int(status))
    if code < 0:  # killed by a signal: so is this process
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    role, path, *rest = sys.argv[1:]
    if role == "run":
        run(path, rest[0], rest[1], rest[2:])
    else:
        request = serve(path, rest[0])
        del role, path, rest
        become(request)
        import runpy

        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
