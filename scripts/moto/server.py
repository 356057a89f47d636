"""moto 5.2.5's server with its ECS backend patched to behave more like AWS.

    $venv/bin/python scripts/moto/server.py --host 127.0.0.1 --port 5055

Loopback only; refuses any moto but 5.2.5. Adds POST /ecs-triage/task and
POST /ecs-triage/service, which set fields of a task or service (format in
scripts/moto/README.md).
"""

import argparse
import functools
import ipaddress
import json
import os
import signal
import sys

MOTO_VERSION = "5.2.5"


def is_loopback(host):
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def assign(obj, fields):
    """Set AWS fields (camelCase) on a moto model where its serializer reads
    them: the camelCase attribute if the model has one, else the snake_case."""
    from botocore import xform_name

    for key, value in fields.items():
        setattr(obj, key if hasattr(obj, key) else xform_name(key), value)


def patch_ecs():
    from botocore import xform_name
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.ecs import models, responses
    from moto.ecs.exceptions import InvalidParameterException
    from moto.moto_api import state_manager
    from moto.utilities.utils import get_partition

    Backend, Response = models.EC2ContainerServiceBackend, responses.EC2ContainerServiceResponse

    def wrap(cls, name):
        """Decorator: replace cls.name by the function, which gets the original first."""
        def decorate(patch):
            orig = getattr(cls, name)
            setattr(cls, name, functools.wraps(orig)(lambda *args, **kw: patch(orig, *args, **kw)))
            return patch
        return decorate

    # a. AWS keeps a task RUNNING until it is stopped; moto moves it one state
    # towards STOPPED on each describe_tasks. Replace moto's default transition:
    # the state manager survives /moto-api/reset, and set-transition still wins.
    state_manager.register_default_transition("ecs::task", {"progression": "manual", "times": 2**62})

    # b. AWS runs one container per container definition, RUNNING, with the
    # task's ARN, and records createdAt/startedAt; moto makes only the first
    # container, PENDING, with the task definition's ARN as its taskArn.
    @wrap(models.Task, "__init__")
    def task_init(orig, task, cluster, task_definition, *args, **kwargs):
        orig(task, cluster, task_definition, *args, **kwargs)
        task.created_at = task.started_at = utcnow()
        task.enable_execute_command = False
        task.containers = [container(task, cd) for cd in task_definition.container_definitions]

    def container(task, cd):
        c = models.Container.__new__(models.Container)
        c.container_arn = (f"arn:{get_partition(task.region_name)}:ecs:{task.region_name}:{task._account_id}"
                           f":container/{task.cluster_name}/{task.id}/{models.mock_random.uuid4()}")
        c.task_arn, c.name, c.image = task.task_arn, cd.get("name"), cd.get("image")
        c.cpu = str(cd.get("cpu", 0))
        c.memory, c.memory_reservation = (str(cd[k]) if k in cd else None for k in ("memory", "memoryReservation"))
        c.last_status, c.exitCode, c.network_interfaces = "RUNNING", 0, []  # exitCode 0 as moto has it
        c.health_status = "HEALTHY" if cd.get("healthCheck") else "UNKNOWN"
        return c

    # b. run_task(enableExecuteCommand=True): AWS keeps the flag on the task and
    # starts the ExecuteCommandAgent in every container; moto drops the flag.
    @wrap(Response, "run_task")
    def run_task(orig, self):
        result = orig(self)
        enabled = bool(self._get_param("enableExecuteCommand", False))
        for task in result.result["tasks"]:
            task.enable_execute_command = enabled
            for c in task.containers if enabled else ():
                c.managed_agents = [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}]
        return result

    # c. AWS's stop_task sets stopCode, stoppingAt, stoppedAt and
    # executionStoppedAt and stops the containers; moto does none of this.
    @wrap(Backend, "stop_task")
    def stop_task(orig, self, cluster_str, task_str, reason):
        task = orig(self, cluster_str, task_str, reason)
        task.stopping_at = task.stopped_at = task.execution_stopped_at = utcnow()
        task.stop_code = getattr(task, "stop_code", None) or "UserInitiated"
        for c in task.containers:
            c.last_status = "STOPPED"
            for agent in getattr(c, "managed_agents", None) or ():
                agent["lastStatus"] = "STOPPED"
        return task

    # e. AWS's create_service keeps enableExecuteCommand,
    # healthCheckGracePeriodSeconds, deploymentConfiguration,
    # enableECSManagedTags and sets createdAt; moto drops them all.
    @wrap(Response, "create_service")
    def create_service(orig, self):
        result = orig(self)
        service = result.result["service"]
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        service.created_at = utcnow()
        for key in ("healthCheckGracePeriodSeconds", "deploymentConfiguration", "enableECSManagedTags"):
            if self._get_param(key) is not None:
                setattr(service, xform_name(key), self._get_param(key))
        return result

    # f. AWS's list_tasks(serviceName=X) lists that service's tasks (group
    # "service:X", or started by one of its deployments) and rejects an unknown
    # service; moto ignores serviceName and lists every task of the cluster.
    @wrap(Backend, "list_tasks")
    def list_tasks(orig, self, cluster_str=None, container_instance=None, family=None,
                   started_by=None, service_name=None, desiredStatus=None):
        tasks = orig(self, cluster_str, container_instance, family, started_by, None, desiredStatus)
        if not service_name:
            return tasks
        service = self._get_service(cluster_str or "default", service_name)  # ServiceNotFoundException
        deployments = {d["id"] for d in service.deployments}
        return [t for t in tasks if t.group == f"service:{service.name}" or t.started_by in deployments]

    # g. AWS's list_task_definitions pages (maxResults, 100 by default;
    # nextToken) in family and revision order (sort=DESC reverses); moto
    # returns everything at once in no set order.
    def list_task_definitions(self):
        arns = self.ecs_backend.list_task_definitions(
            self._get_param("familyPrefix"), self._get_param("status", "ACTIVE"))
        arns.sort(key=lambda arn: (arn.rsplit(":", 1)[0], int(arn.rsplit(":", 1)[1])),
                  reverse=self._get_param("sort") == "DESC")
        token, size = self._get_param("nextToken") or "0", self._get_param("maxResults") or 100
        if not token.isdigit() or not 1 <= size <= 100:
            raise InvalidParameterException("Invalid nextToken or maxResults.")
        start, end = int(token), int(token) + size
        return ActionResult({"taskDefinitionArns": arns[start:end],
                             "nextToken": str(end) if end < len(arns) else None})

    Response.list_task_definitions = list_task_definitions


def backends(request):
    """The ECS backends that exist, narrowed by the request's account/region."""
    from moto.ecs.models import ecs_backends

    for account, region, backend in list(ecs_backends.iter_backends()):
        if request.get("account", account) == account and request.get("region", region) == region:
            yield backend


def in_cluster(request, resource):
    return request.get("cluster") in (None, resource.cluster_name, resource.cluster_arn)


def set_task(request):
    """d. What AWS reports and moto cannot produce (a container's exitCode and
    reason, stopCode, ...): moto only runs and stops tasks."""
    wanted, fields = str(request["task"]), dict(request.get("set") or {})
    containers = fields.pop("containers", None) or {}
    for backend in backends(request):
        for task in [t for tasks in list(backend.tasks.values()) for t in list(tasks.values())]:
            if wanted in (task.task_arn, task.id) and in_cluster(request, task):
                by_name = {c.name: c for c in task.containers}
                missing = sorted(set(containers) - set(by_name))
                if missing:
                    return 404, {"message": f"task {wanted} has no container {', '.join(missing)}"}
                assign(task, fields)
                for name, values in containers.items():
                    assign(by_name[name], values)
                return 200, {"ok": True, "taskArn": task.task_arn}
    return 404, {"message": f"no task {wanted} in cluster {request.get('cluster', '(any)')}"}


def set_service(request):
    """d. What AWS reports and moto cannot produce (events, counts): moto starts
    no tasks for a service, so its events stay empty and runningCount 0."""
    wanted = str(request["service"])
    for backend in backends(request):
        for service in list(backend.services.values()):
            if wanted in (service.name, service.arn) and in_cluster(request, service):
                assign(service, request.get("set") or {})
                return 200, {"ok": True, "serviceArn": service.arn}
    return 404, {"message": f"no service {wanted} in cluster {request.get('cluster', '(any)')}"}


class Extension:
    """WSGI middleware: /ecs-triage/* is answered here, the rest by moto."""

    routes = {"/ecs-triage/task": (set_task, "task"), "/ecs-triage/service": (set_service, "service")}

    def __init__(self, moto_app):
        self.moto_app = moto_app

    def __call__(self, environ, start_response):
        route = self.routes.get(environ.get("PATH_INFO", ""))
        if route is None:
            return self.moto_app(environ, start_response)
        status, body = self.handle(environ, *route)
        start_response(f"{status} {'OK' if status == 200 else 'Error'}", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    @staticmethod
    def handle(environ, handler, key):
        if environ["REQUEST_METHOD"] != "POST":
            return 405, {"message": "use POST"}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            request = json.loads(environ["wsgi.input"].read(length) or b"null")
            if not isinstance(request, dict) or not request.get(key) or not isinstance(request.get("set", {}), dict):
                raise ValueError(f'expected a JSON object with "{key}" and "set"')
            return handler(request)
        except (ValueError, TypeError, AttributeError) as err:
            return 400, {"message": f"bad request: {err}"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        sys.exit(f"server.py: refusing to listen on {args.host!r}: loopback addresses only")
    import moto

    if moto.__version__ != MOTO_VERSION:
        sys.exit(f"server.py: needs moto {MOTO_VERSION} (it patches that version's ECS models), "
                 f"found moto {moto.__version__}")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    patch_ecs()
    os.environ.setdefault("MOTO_PORT", str(args.port))  # as moto_server does
    app = Extension(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"server.py: moto {moto.__version__}, ECS patched, on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
