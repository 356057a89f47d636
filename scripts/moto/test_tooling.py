"""Tests for scripts/moto/server.py and scripts/moto/fault_proxy.py.

    ~/.cache/ecs-triage/tools/moto-5.2.5/bin/python scripts/moto/test_tooling.py

Starts server.py on a free loopback port and fault proxies in front of it, and
talks to them with boto3 (dummy credentials, one attempt per call).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
SERVER, PROXY = HERE / "server.py", HERE / "fault_proxy.py"
# Dummy credentials; no ~/.aws files or HTTP proxy of the machine in the way.
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
                  AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                  NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(var, None)
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=20)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(service, url, **keys):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", config=ONE_ATTEMPT, **keys)


def post(url, payload):
    """(status, JSON body) of a POST to one of server.py's endpoints."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


class Processes:
    started = []

    @classmethod
    def spawn(cls, args, stderr):
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True)
        cls.started.append(proc)
        return proc

    @classmethod
    def stop_all(cls):
        for proc in cls.started:
            proc.terminate()
        for proc in cls.started:
            try:
                proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        cls.started.clear()


def start_proxy(upstream, *options):
    """The proxy under plain `python -S` (no site-packages: stdlib only); its URL."""
    proc = Processes.spawn([sys.executable, "-S", str(PROXY), "--upstream", upstream, *options], sys.stderr)
    line = proc.stdout.readline()
    if not line.startswith("listening http://127.0.0.1:"):
        raise AssertionError(f"proxy said {line!r}")
    return line.split()[1]


def setUpModule():
    global MOTO
    unittest.addModuleCleanup(Processes.stop_all)
    port, log = free_port(), tempfile.TemporaryFile("w+")  # a pipe nobody reads would block moto
    unittest.addModuleCleanup(log.close)
    proc = Processes.spawn([sys.executable, str(SERVER), "--host", "127.0.0.1", "--port", str(port)], log)
    MOTO = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{MOTO}/moto-api/", timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    log.seek(0)
    raise AssertionError(f"server.py did not start: {log.read()}")


class EcsWorld:
    """A cluster and a two-container FARGATE task definition, to run tasks and services of."""

    def make(self, cluster, **keys):
        self.ecs, self.cluster = client("ecs", MOTO, **keys), cluster
        ec2 = client("ec2", MOTO, **keys)
        subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
        sg = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
        self.network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg]}}
        self.ecs.create_cluster(clusterName=cluster)
        self.td = self.ecs.register_task_definition(
            family=f"{cluster}-app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx:1", "memory": 256},
                                  {"name": "sidecar", "image": "busybox:1", "memory": 128}],
        )["taskDefinition"]["taskDefinitionArn"]

    def run_task(self, **kwargs):
        return self.ecs.run_task(cluster=self.cluster, taskDefinition=self.td, launchType="FARGATE",
                                 networkConfiguration=self.network, **kwargs)["tasks"][0]

    def describe(self, arn):
        return self.ecs.describe_tasks(cluster=self.cluster, tasks=[arn])["tasks"][0]

    def service(self, name, **kwargs):
        kwargs.setdefault("desiredCount", 1)
        return self.ecs.create_service(cluster=self.cluster, serviceName=name, taskDefinition=self.td,
                                       launchType="FARGATE",
                                       networkConfiguration=self.network, **kwargs)["service"]


class ServerTest(unittest.TestCase, EcsWorld):
    def setUp(self):
        self.make(self.id().rsplit(".", 1)[-1].replace("_", "-"))

    def assertRecent(self, when):
        self.assertLess(abs(datetime.now(timezone.utc) - when), timedelta(minutes=1))

    def test_a_tasks_stay_running_until_stopped_even_after_reset(self):
        arn = self.run_task()["taskArn"]
        self.assertEqual([self.describe(arn)["lastStatus"] for _ in range(6)], ["RUNNING"] * 6)
        self.assertEqual(post(f"{MOTO}/moto-api/reset", {})[0], 200)
        self.make("after-reset")
        arn = self.run_task()["taskArn"]
        self.assertEqual([self.describe(arn)["lastStatus"] for _ in range(6)], ["RUNNING"] * 6)

    def test_b_run_task_has_every_container_running(self):
        task = self.run_task(enableExecuteCommand=True)
        for seen in (task, self.describe(task["taskArn"])):
            self.assertEqual(seen["lastStatus"], "RUNNING")
            self.assertTrue(seen["enableExecuteCommand"])
            self.assertRecent(seen["startedAt"])
            self.assertEqual([(c["name"], c["image"], c["lastStatus"], c["taskArn"]) for c in seen["containers"]],
                             [("app", "nginx:1", "RUNNING", task["taskArn"]),
                              ("sidecar", "busybox:1", "RUNNING", task["taskArn"])])
            for c in seen["containers"]:
                self.assertEqual(c["managedAgents"], [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}])
        plain = self.describe(self.run_task()["taskArn"])
        self.assertFalse(plain["enableExecuteCommand"])
        self.assertEqual([c.get("managedAgents") for c in plain["containers"]], [None, None])

    def test_c_stop_task_sets_stop_code_and_times(self):
        arn = self.run_task()["taskArn"]
        stopped = self.ecs.stop_task(cluster=self.cluster, task=arn, reason="Scaling down")["task"]
        for seen in (stopped, self.describe(arn)):
            self.assertEqual((seen["lastStatus"], seen["desiredStatus"], seen["stopCode"], seen["stoppedReason"]),
                             ("STOPPED", "STOPPED", "UserInitiated", "Scaling down"))
            for key in ("stoppedAt", "stoppingAt", "executionStoppedAt"):
                self.assertRecent(seen[key])
            self.assertEqual([(c["lastStatus"], c["exitCode"]) for c in seen["containers"]], [("STOPPED", 0)] * 2)

    def test_d_task_endpoint_sets_fields(self):
        arn = self.run_task()["taskArn"]
        oom = "OutOfMemoryError: Container killed due to memory usage"
        agents = [{"name": "ExecuteCommandAgent", "lastStatus": "STOPPED", "reason": "gone"}]
        status, body = post(f"{MOTO}/ecs-triage/task", {
            "cluster": self.cluster, "task": arn.rsplit("/", 1)[1],
            "set": {"stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited",
                    "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stoppedAt": 1700000000,
                    "containers": {"app": {"exitCode": 137, "reason": oom, "managedAgents": agents}}}})
        self.assertEqual((status, body), (200, {"ok": True, "taskArn": arn}))
        raw = {}
        self.ecs.meta.events.register("after-call.ecs.DescribeTasks",
                                      lambda http_response, **_: raw.update(json.loads(http_response.content)))
        task = self.describe(arn)
        self.assertEqual((task["stopCode"], task["stoppedReason"], task["lastStatus"], task["desiredStatus"]),
                         ("EssentialContainerExited", "Essential container in task exited", "STOPPED", "STOPPED"))
        app, sidecar = task["containers"]
        self.assertEqual((app["exitCode"], app["reason"], app["managedAgents"]), (137, oom, agents))
        self.assertEqual((sidecar["exitCode"], sidecar.get("reason")), (0, None))
        wire = raw["tasks"][0]  # AWS JSON: timestamps are epoch seconds
        self.assertEqual(wire["stoppedAt"], 1700000000)
        self.assertIsInstance(wire["startedAt"], (int, float))
        self.assertEqual(post(f"{MOTO}/ecs-triage/task", {"task": "nope", "set": {}})[0], 404)
        status, body = post(f"{MOTO}/ecs-triage/task", {"task": arn, "set": {"containers": {"db": {}}}})
        self.assertEqual((status, "db" in body["message"]), (404, True))
        self.assertEqual(post(f"{MOTO}/ecs-triage/task", {"set": {}})[0], 400)

    def test_d_endpoints_find_other_accounts(self):
        creds = client("sts", MOTO).assume_role(RoleArn="arn:aws:iam::111122223333:role/t",
                                                RoleSessionName="test")["Credentials"]
        keys = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
        other = EcsWorld()
        other.make("elsewhere", **keys)
        arn = other.run_task()["taskArn"]
        other.service("web", desiredCount=0)
        self.assertIn(":111122223333:", arn)
        status, _ = post(f"{MOTO}/ecs-triage/task", {"task": arn, "set": {"stoppedAt": "2024-01-02T03:04:05Z"}})
        self.assertEqual(status, 200)
        self.assertEqual(other.describe(arn)["stoppedAt"], datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
        self.assertEqual(post(f"{MOTO}/ecs-triage/task", {"task": arn, "account": "123456789012", "set": {}})[0], 404)
        status, _ = post(f"{MOTO}/ecs-triage/service", {"cluster": "elsewhere", "service": "web",
                                                        "account": "111122223333", "set": {"runningCount": 2}})
        self.assertEqual(status, 200)
        self.assertEqual(other.ecs.describe_services(cluster="elsewhere", services=["web"])["services"][0]["runningCount"], 2)

    def test_d_service_endpoint_sets_events_and_counts(self):
        self.service("web")
        event = {"id": "e-1", "createdAt": 1700000000,
                 "message": "(service web) is unable to consistently start tasks successfully."}
        status, body = post(f"{MOTO}/ecs-triage/service",
                            {"cluster": self.cluster, "service": "web", "set": {"events": [event], "runningCount": 3}})
        self.assertEqual(status, 200, body)
        service = self.ecs.describe_services(cluster=self.cluster, services=["web"])["services"][0]
        self.assertEqual(service["runningCount"], 3)
        self.assertEqual(service["events"], [dict(event, createdAt=datetime.fromtimestamp(1700000000, timezone.utc))])
        status, body = post(f"{MOTO}/ecs-triage/service", {"cluster": self.cluster, "service": "nope", "set": {}})
        self.assertEqual(status, 404)
        self.assertIn("nope", body["message"])

    def test_e_create_service_keeps_exec_and_deployment_settings(self):
        deployment = {"maximumPercent": 150, "minimumHealthyPercent": 50,
                      "deploymentCircuitBreaker": {"enable": True, "rollback": True}}
        self.service("exec", enableExecuteCommand=True, healthCheckGracePeriodSeconds=45,
                     deploymentConfiguration=deployment)
        self.service("plain")
        described = self.ecs.describe_services(cluster=self.cluster, services=["exec", "plain"])["services"]
        self.assertEqual([s["enableExecuteCommand"] for s in described], [True, False])
        self.assertEqual(described[0]["healthCheckGracePeriodSeconds"], 45)
        self.assertEqual(described[0]["deploymentConfiguration"], deployment)

    def test_f_list_tasks_by_service(self):
        deployment = self.service("web")["deployments"][0]["id"]
        self.service("api")
        by_group = self.run_task(group="service:web")["taskArn"]
        by_deployment = self.run_task(startedBy=deployment)["taskArn"]
        other = self.run_task(group="service:api")["taskArn"]
        loose = self.run_task()["taskArn"]
        listed = lambda **kw: sorted(self.ecs.list_tasks(cluster=self.cluster, **kw)["taskArns"])
        self.assertEqual(listed(serviceName="web"), sorted([by_group, by_deployment]))
        self.assertEqual(listed(serviceName="api"), [other])
        self.assertEqual(listed(), sorted([by_group, by_deployment, other, loose]))
        with self.assertRaises(ClientError) as err:
            listed(serviceName="missing")
        self.assertEqual(err.exception.response["Error"]["Code"], "ServiceNotFoundException")

    def test_g_list_task_definitions_pages(self):
        family = f"{self.cluster}-paged"
        for _ in range(5):
            self.ecs.register_task_definition(family=family, containerDefinitions=[{"name": "a", "image": "a", "memory": 8}])
        pages, token = [], None
        while True:
            page = self.ecs.list_task_definitions(familyPrefix=family, maxResults=2, **({"nextToken": token} if token else {}))
            pages.append([arn.rsplit(":", 1)[1] for arn in page["taskDefinitionArns"]])
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(pages, [["1", "2"], ["3", "4"], ["5"]])
        newest = self.ecs.list_task_definitions(familyPrefix=family, sort="DESC", maxResults=1)
        self.assertTrue(newest["taskDefinitionArns"][0].endswith(f"{family}:5"))


class ProxyTest(unittest.TestCase):
    CALLS = {  # service: a call through boto3
        "ecs": lambda url: client("ecs", url).list_clusters(),
        "iam": lambda url: client("iam", url).list_roles(),
        "ec2": lambda url: client("ec2", url).describe_vpcs(),
    }

    def outcome(self, service, url):
        try:
            self.CALLS[service](url)
            return "ok", 200
        except ClientError as err:
            return err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_throttles_in_each_protocols_shape(self):
        url = start_proxy(MOTO, "--throttle", "1")
        self.assertEqual({s: self.outcome(s, url) for s in self.CALLS},
                         {"ecs": ("ThrottlingException", 400), "iam": ("Throttling", 400),
                          "ec2": ("RequestLimitExceeded", 503)})

    def test_server_errors_in_each_protocols_shape(self):
        url = start_proxy(MOTO, "--error", "1")
        self.assertEqual({s: self.outcome(s, url) for s in self.CALLS},
                         {"ecs": ("InternalFailure", 500), "iam": ("ServiceUnavailable", 503),
                          "ec2": ("InternalError", 500)})

    def test_sdk_retries_throttling_but_not_access_denied(self):
        url = start_proxy(MOTO, "--throttle", "0.5", "--seed", "3", "--deny", "ecs:DescribeClusters")
        patient = boto3.client("ecs", endpoint_url=url, region_name="us-east-1",
                               config=Config(retries={"total_max_attempts": 10, "mode": "standard"}))
        for _ in range(4):
            patient.list_clusters()  # throttled half the time, retried transparently
        with self.assertRaises(ClientError) as err:
            patient.describe_clusters(clusters=["x"])
        self.assertEqual(err.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(err.exception.response["ResponseMetadata"]["RetryAttempts"], 0)

    def test_deny_by_service_and_by_operation(self):
        url = start_proxy(MOTO, "--deny", "iam", "--deny", "ecs:DescribeClusters", "--deny", "ec2:DescribeVpcs")
        self.assertEqual({s: self.outcome(s, url) for s in self.CALLS},
                         {"ecs": ("ok", 200), "iam": ("AccessDenied", 403), "ec2": ("UnauthorizedOperation", 403)})
        with self.assertRaises(ClientError) as err:
            client("ecs", url).describe_clusters(clusters=["x"])
        self.assertEqual(err.exception.response["Error"]["Code"], "AccessDeniedException")
        client("ec2", url).describe_subnets()  # other EC2 operations pass

    def test_same_seed_same_faults(self):
        def sequence(seed):
            url = start_proxy(MOTO, "--seed", seed, "--throttle", "0.3", "--error", "0.2", "--delay-ms", "0-5")
            return [self.outcome("ecs", url)[0] for _ in range(20)]

        first = sequence("7")
        self.assertEqual(sequence("7"), first)
        self.assertNotEqual(sequence("8"), first)
        self.assertEqual(set(first), {"ok", "ThrottlingException", "InternalFailure"})

    def test_records_every_operation_with_its_iam_prefix(self):
        with tempfile.TemporaryDirectory() as tmp:
            record = Path(tmp, "ops.txt")
            url = start_proxy(MOTO, "--record", str(record), "--throttle", "1")
            for service, call in [("ecs", lambda c: c.list_clusters()), ("iam", lambda c: c.list_roles()),
                                  ("ec2", lambda c: c.describe_vpcs()), ("sts", lambda c: c.get_caller_identity()),
                                  ("logs", lambda c: c.describe_log_groups()), ("events", lambda c: c.list_rules()),
                                  ("elbv2", lambda c: c.describe_target_groups()),
                                  ("secretsmanager", lambda c: c.list_secrets())]:
                with self.assertRaises(ClientError):
                    call(client(service, url))
            urllib.request.urlopen(f"{url}/moto-api/", timeout=5).close()  # relayed, not recorded
            self.assertEqual(record.read_text().splitlines(), [
                "ecs:ListClusters", "iam:ListRoles", "ec2:DescribeVpcs", "sts:GetCallerIdentity",
                "logs:DescribeLogGroups", "events:ListRules", "elasticloadbalancing:DescribeTargetGroups",
                "secretsmanager:ListSecrets"])

    def test_relays_requests_and_survives_bad_ones(self):
        url = start_proxy(MOTO, "--delay-ms", "1-3")
        client("ecs", url).create_cluster(clusterName="via-proxy")
        self.assertIn("via-proxy", str(client("ecs", MOTO).list_clusters()["clusterArns"]))
        self.assertEqual(post(f"{url}/ecs-triage/task", {"task": "nope", "set": {}})[0], 404)  # relayed
        host, port = url.rsplit("/", 1)[1].split(":")
        for garbage in (b"NOT HTTP/1.1 AT ALL\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(garbage)
                self.assertIn(b"400", s.recv(400))  # (no status line for a HTTP/0.9-looking request)
        chunked = urllib.request.Request(  # chunked body, relayed de-chunked
            f"{url}/", data=iter([b'{"clusterName":', b' "chunky"}']), method="POST",
            headers={"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateCluster",
                     "Content-Type": "application/x-amz-json-1.1", "Transfer-Encoding": "chunked",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ecs/aws4_request, "
                                      "SignedHeaders=host, Signature=0"})
        with urllib.request.urlopen(chunked, timeout=10) as resp:
            self.assertEqual(json.loads(resp.read())["cluster"]["clusterName"], "chunky")
        self.assertEqual(self.outcome("ecs", url), ("ok", 200))


class RefusalTest(unittest.TestCase):
    def refused(self, args, why="loopback", **kwargs):
        proc = subprocess.run(args, capture_output=True, text=True, timeout=30, **kwargs)
        return proc.returncode != 0 and why in proc.stderr

    def test_server_refuses_other_moto_versions(self):
        with tempfile.TemporaryDirectory() as fake:
            Path(fake, "moto").mkdir()
            Path(fake, "moto", "__init__.py").write_text('__version__ = "5.3.0"\n')
            self.assertTrue(self.refused([sys.executable, str(SERVER), "--port", "1"], "needs moto 5.2.5",
                                         env=dict(os.environ, PYTHONPATH=fake)))

    def test_server_refuses_other_hosts(self):
        for host in ("0.0.0.0", "192.168.1.10", "example.com"):
            self.assertTrue(self.refused([sys.executable, str(SERVER), "--host", host, "--port", "1"]), host)

    def test_proxy_refuses_other_hosts_and_upstreams(self):
        self.assertTrue(self.refused([sys.executable, "-S", str(PROXY), "--upstream", MOTO, "--host", "0.0.0.0"]))
        self.assertTrue(self.refused([sys.executable, "-S", str(PROXY), "--upstream", "http://10.0.0.1:80"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
