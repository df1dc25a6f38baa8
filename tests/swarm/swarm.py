"""The deployed stack as the resilience tests see it: its services, their tasks' containers, and the
docker commands that kill or update them. The stack's name is AGORA_STACK (tests/swarm/run.sh)."""
import os
import subprocess
import time

STACK = os.environ.get("AGORA_STACK", "agora")
# The Debian engine's own client (deploy/swarm/lib.sh says why).
DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"


def docker(*args, timeout=300):
    return subprocess.run([DOCKER, *args], check=True, capture_output=True, text=True, timeout=timeout).stdout


def replicas(service):
    """(running, wanted) tasks of one service of the stack."""
    out = docker("service", "ls", "--filter", f"name={STACK}_{service}", "--format", "{{.Name}} {{.Replicas}}")
    for line in out.splitlines():
        name, counts = line.split()
        if name == f"{STACK}_{service}":
            running, wanted = counts.split("/")[:2]
            return int(running), int(wanted.split()[0])
    raise AssertionError(f"no service {STACK}_{service}")


def task_containers(service):
    """Ids of the running containers of a service's tasks on this node."""
    return docker("ps", "-q", "--filter", f"label=com.docker.swarm.service.name={STACK}_{service}").split()


def kill_one(service):
    """Kills one task's container of the service, as a crash would (SIGKILL)."""
    victim = task_containers(service)[0]
    docker("kill", victim)
    return victim


def wait_all_running(service, deadline=120.0, since=None):
    """Seconds from `since` (a time.monotonic() value; now by default) until the service has all its
    tasks running and healthy again."""
    since = since if since is not None else time.monotonic()
    until = since + deadline
    while time.monotonic() < until:
        running, wanted = replicas(service)
        if wanted > 0 and running >= wanted:
            return time.monotonic() - since
        time.sleep(0.5)
    raise AssertionError(f"{service} did not get all its tasks back within {deadline}s")


def wait_replaced(service, victim, deadline=180.0, since=None):
    """Seconds from `since` (a time.monotonic() value; now by default) until a container other than `victim`
    (killed) runs the service's task and the service has all its tasks running and healthy again. Right
    after a kill Swarm may still count the dead task as running: the new container is what tells."""
    since = since if since is not None else time.monotonic()
    until = since + deadline
    while time.monotonic() < until:
        containers = task_containers(service)
        running, wanted = replicas(service)
        if containers and victim not in containers and running >= wanted:
            return time.monotonic() - since
        time.sleep(0.5)
    raise AssertionError(f"{service} did not replace its killed task within {deadline}s")


def rolling_update(service):
    """Replaces every task of the service one by one (start-first, stack.yml) and returns when done."""
    docker("service", "update", "--force", "--quiet", f"{STACK}_{service}", timeout=600)


def exec_in(service, *args):
    """The output of a command run in one running task's container of the service (on this node)."""
    return docker("exec", task_containers(service)[0], *args)


def query(service, sql):
    """The rows (lists of text fields) of `sql` on the database of one of Agora's services, reached with the
    URL its tasks are given (<SERVICE>_DATABASE_URL_FILE), by psql in a container of the stack's PostgreSQL
    image on its network. The URL (a secret) and the query are passed on standard input."""
    url = exec_in(service, "sh", "-c", f'cat "${service.upper()}_DATABASE_URL_FILE"').strip()
    psql = 'read -r url && exec psql "$url" -X -q -A -t -F "|" -v ON_ERROR_STOP=1'
    out = subprocess.run([DOCKER, "run", "--rm", "-i", "--network", f"{STACK}_agora", "--entrypoint", "bash",
                          f"agora/postgres:{os.environ['AGORA_TAG']}", "-c", psql],
                         input=f"{url}\n{sql}\n", check=True, capture_output=True, text=True, timeout=120).stdout
    return [line.split("|") for line in out.splitlines() if line]
