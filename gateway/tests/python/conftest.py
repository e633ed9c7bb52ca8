"""Starts ditto-mock-upstream and ditto-gateway (real binaries, real sockets) for the suite.

The binaries come from DITTO_GATEWAY_BIN / DITTO_MOCK_BIN (gateway/scripts/test.sh sets them).
"""

import os
import pathlib
import subprocess
import tempfile
import textwrap

import pytest

ADMIN = "py-admin-token-123"
KEYS = {
    "team": "sk-py-team-key-1",
    "broke": "sk-py-broke-key-1",
    "limited": "sk-py-limited-key-1",
}


def _start(args, env=None):
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"{args[0]} did not start: {line!r}")
    return proc, line[len("listening on "):]


@pytest.fixture(scope="session")
def gateway():
    fixtures = pathlib.Path(__file__).resolve().parents[3] / "tests" / "fixtures"
    mock, mock_url = _start(
        [os.environ["DITTO_MOCK_BIN"], "--port", "0", "--fixtures", str(fixtures)]
    )
    tmp = tempfile.mkdtemp(prefix="ditto-gw-py-")
    config = os.path.join(tmp, "gateway.yaml")
    with open(config, "w") as f:
        f.write(textwrap.dedent(f"""\
            server:
              listen: "127.0.0.1:0"
              max_body_bytes: 65536
            backends:
              - name: primary
                base_url: {mock_url}/v1
                headers: {{ authorization: "Bearer ${{UPSTREAM_KEY}}" }}
              - name: builtin
                provider: mock
                models: [mock]
              - name: reasoner
                provider: anthropic
                base_url: {mock_url}
                api_key: sk-ant-upstream-py
                headers: {{ x-mock-fixture: ui/anthropic-reasoning-tool.chunks.txt }}
            virtual_keys:
              - {{ id: team, token: "{KEYS['team']}", budget: {{ total_tokens: 1000000 }} }}
              - {{ id: broke, token: "{KEYS['broke']}", budget: {{ total_tokens: 1 }} }}
              - {{ id: limited, token: "{KEYS['limited']}", limits: {{ rpm: 1 }} }}
            router:
              rules:
                - {{ model: mock, backends: [{{ backend: builtin }}] }}
                - {{ model: ui-reasoner, backends: [{{ backend: reasoner }}] }}
              default_backends: [{{ backend: primary }}]
            """))
    env = dict(os.environ, UPSTREAM_KEY="sk-upstream-py", DITTO_ADMIN_TOKEN=ADMIN)
    gw, gw_url = _start(
        [os.environ["DITTO_GATEWAY_BIN"], "--config", config, "--store", "memory"], env
    )
    yield {"url": gw_url, "mock_url": mock_url}
    for p in (gw, mock):
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
