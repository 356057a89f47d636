"""A fault-injecting proxy for AWS API calls, standard library only.

    python3 scripts/moto/fault_proxy.py --upstream http://127.0.0.1:5055 [--seed N]
        [--throttle 0.2] [--error 0.1] [--delay-ms 0-50]
        [--deny iam] [--deny ecs:DescribeTasks] [--record FILE]

Listens on loopback (a free port unless --port), prints one line
`listening http://127.0.0.1:PORT`, and relays each request to --upstream
(loopback only). A request is SERVICE:Operation, where SERVICE is the SigV4
signing name from the Authorization header's credential scope, which is also
the IAM action prefix (logs, elasticloadbalancing, events, ...), and Operation
comes from X-Amz-Target (JSON protocol) or Action= (query protocols).

Per request: --record appends SERVICE:Operation to FILE; --deny SERVICE or
SERVICE:Operation answers AccessDenied; otherwise random.Random(seed, request
number) throttles with probability --throttle, fails with --error, or delays
by --delay-ms and forwards. Errors take the protocol's own shape (see FAULTS)
so SDKs retry throttling and server errors, and not AccessDenied.
/moto-api/ and /ecs-triage/ requests are relayed untouched.
"""

import argparse
import http.client
import http.server
import ipaddress
import json
import random
import re
import threading
import time
import urllib.parse
import uuid

SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade", "content-length", "expect"}
NOT_RELAYED = HOP_BY_HOP | {"server", "date"}  # the proxy sends its own
UNTOUCHED = ("/moto-api/", "/ecs-triage/")
FAULTS = {  # protocol -> fault -> (HTTP status, error code, message)
    "json": {"throttle": (400, "ThrottlingException", "Rate exceeded"),
             "error": (500, "InternalFailure", "Injected internal failure"),
             "deny": (400, "AccessDeniedException", "Injected access denied")},
    "query": {"throttle": (400, "Throttling", "Rate exceeded"),  # iam, sts, elasticloadbalancing, ...
              "error": (503, "ServiceUnavailable", "Injected service unavailable"),
              "deny": (403, "AccessDenied", "Injected access denied")},
    "ec2": {"throttle": (503, "RequestLimitExceeded", "Request limit exceeded."),
            "error": (500, "InternalError", "Injected internal error"),
            "deny": (403, "UnauthorizedOperation", "Injected unauthorized operation")},
}


def is_loopback(host):
    try:
        return host == "localhost" or ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        return False


def identify(headers, query, body):
    """(service, operation, protocol) of a request."""
    found = SCOPE.search(headers.get("Authorization", ""))
    service = found.group(1) if found else "unknown"
    if headers.get("X-Amz-Target"):
        return service, headers["X-Amz-Target"].rsplit(".", 1)[-1], "json"
    params = urllib.parse.parse_qs(query)
    if "json" not in headers.get("Content-Type", ""):
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    return service, (params.get("Action") or ["unknown"])[0], "ec2" if service == "ec2" else "query"


def fault_response(protocol, fault):
    """(status, headers, body) of an injected error."""
    status, code, message = FAULTS[protocol][fault]
    rid = str(uuid.uuid4())
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message})
        return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code,
                        "x-amzn-RequestId": rid}, body.encode()
    if protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                f"</Error></Errors><RequestID>{rid}</RequestID></Response>")
    else:
        kind = "Receiver" if status >= 500 else "Sender"
        body = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}"
                f"</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>")
    return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body.encode()


class Faults:
    """The per-request decisions: thread-safe, and the same for the same seed."""

    def __init__(self, args):
        self.args, self.lock, self.count = args, threading.Lock(), 0
        self.deny = {d.lower() for d in args.deny}

    def decide(self, service, operation):
        """(fault name or None to forward, delay in seconds)."""
        with self.lock:
            self.count += 1
            n = self.count
            if self.args.record:
                with open(self.args.record, "a", encoding="utf-8") as f:
                    f.write(f"{service}:{operation}\n")
        if service.lower() in self.deny or f"{service}:{operation}".lower() in self.deny:
            return "deny", 0.0
        rng = random.Random(f"{self.args.seed}/{n}")
        draw, delay = rng.random(), rng.uniform(*self.args.delay_ms) / 1000
        if draw < self.args.throttle:
            return "throttle", 0.0
        if draw < self.args.throttle + self.args.error:
            return "error", 0.0
        return None, delay


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers
            pass
        return b"".join(chunks)

    def relay(self):
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return self.answer(400, {"Content-Type": "text/plain", "Connection": "close"}, b"bad request body")
        path, _, query = self.path.partition("?")
        if not path.startswith(UNTOUCHED):
            service, operation, protocol = identify(self.headers, query, body)
            fault, delay = self.server.faults.decide(service, operation)
            if fault:
                return self.answer(*fault_response(protocol, fault))
            time.sleep(delay)
        try:
            self.answer(*self.forward(body))
        except (OSError, http.client.HTTPException) as err:
            self.answer(502, {"Content-Type": "text/plain"}, f"fault_proxy: upstream: {err}".encode())

    def forward(self, body):
        upstream = self.server.upstream
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=20)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():  # Host too: it is signed
                if name.lower() not in HOP_BY_HOP:
                    conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in NOT_RELAYED], resp.read()
        finally:
            conn.close()

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = relay


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--host", default="127.0.0.1", help="an IPv4 loopback address")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--throttle", type=float, default=0.0, help="probability")
    p.add_argument("--error", type=float, default=0.0, help="probability")
    p.add_argument("--delay-ms", default="0", help="N or LOW-HIGH")
    p.add_argument("--deny", action="append", default=[], help="SERVICE or SERVICE:Operation")
    p.add_argument("--record", help="append SERVICE:Operation per request to this file")
    args = p.parse_args(argv)
    low, _, high = args.delay_ms.partition("-")
    try:
        args.delay_ms = (float(low), float(high or low))
    except ValueError:
        p.error(f"--delay-ms: expected N or LOW-HIGH, got {args.delay_ms!r}")
    args.upstream = urllib.parse.urlsplit(args.upstream)
    if args.upstream.scheme != "http" or not is_loopback(args.upstream.hostname or ""):
        p.error("--upstream must be an http:// URL on a loopback address")
    if not is_loopback(args.host):
        p.error(f"refusing to listen on {args.host!r}: loopback addresses only")
    if not (args.throttle >= 0 and args.error >= 0 and args.throttle + args.error <= 1):
        p.error("--throttle and --error are probabilities that add up to at most 1")
    return args


def main():
    args = parse_args()
    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.upstream, server.faults = args.upstream, Faults(args)
    print(f"listening http://{server.server_address[0]}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
