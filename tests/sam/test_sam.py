"""The SAM template validates, builds without Docker, and each built function serves a real event when
loaded the way Lambda loads it: its own folder plus its layers on the path, nothing else."""

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra import template as tpl

pytestmark = pytest.mark.sam
ROOT = Path(__file__).resolve().parents[2]
SAM = ROOT / ".venv-sam" / "bin" / "sam"

# Runs in a fresh interpreter with no site-packages (-I -S): only the function folder and its layers.
_INVOKE = r"""
import json, sys
fn_dir, layers, event_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
sys.path[:0] = [fn_dir, *layers]
import app

class Context:
    function_name = "sam-built"; function_version = "$LATEST"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:sam-built"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_group_name = "/aws/lambda/sam-built"; log_stream_name = "built"
    def get_remaining_time_in_millis(self): return 29000

result = app.handler(json.load(open(event_path)), Context())
print("RESULT " + json.dumps(result))
"""


def _sam(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    if not SAM.exists():
        pytest.fail("SAM CLI missing: run ./scripts/setup.sh")
    # sam build without Docker runs python3.13 from PATH: the tests' own interpreter (.venv/bin) comes first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "PATH": path}
    return subprocess.run([str(SAM), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_template_passes_sam_validate_lint() -> None:
    result = _sam("validate", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_passes_the_sam_transform(tmp_path: Path) -> None:
    """`sam validate --lint` (samconfig.toml's default) runs cfn-lint only, which accepts what the SAM
    transform refuses (a conditional AutoPublishAlias, for one): plain `sam validate` runs the transform."""
    config = tmp_path / "samconfig.toml"
    config.write_text("version = 0.1\n")
    result = _sam("validate", "--config-file", str(config), "--region", "us-east-1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("sam-build")
    result = _sam(
        "build", "--build-dir", str(out), "--cache-dir", str(ROOT / ".aws-sam" / "cache"), "--cached"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield out
    shutil.rmtree(out, ignore_errors=True)


FUNCTION_IDS = {
    Path(p["CodeUri"]).name: lid for lid, p in tpl.resources(tpl.load(), "AWS::Serverless::Function").items()
}


def _built_env(aws, **settings: str) -> dict[str, str]:  # noqa: ANN001
    """What Lambda would give the function, pointed at the moto stand-in, plus `settings`."""
    credentials = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return {**aws.env, "AWS_ENDPOINT_URL": aws.endpoint, **credentials, **settings}


RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


@pytest.fixture(scope="module")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stands in for /var/runtime: the python3.13 runtime ships boto3 and its dependencies, and the
    layers do not (see shared/requirements.txt)."""
    import importlib

    runtime = tmp_path_factory.mktemp("var-runtime")
    for name in RUNTIME_PACKAGES:
        module = importlib.import_module(name)
        source = Path(module.__file__)
        source = source.parent if source.name == "__init__.py" else source
        (runtime / source.name).symlink_to(source)
    return runtime


def _invoke_built(
    build_dir: Path, logical_id: str, event: dict, env: dict[str, str], tmp_path: Path, runtime: Path
) -> dict:
    built = tpl.load(build_dir / "template.yaml")
    props = built["Resources"][logical_id]["Properties"]
    global_layers = built["Globals"]["Function"]["Layers"]
    layers = [str(build_dir / ref["Ref"] / "python") for ref in [*global_layers, *props.get("Layers", [])]]
    layers.append(str(runtime))  # Lambda searches the runtime's own packages last
    event_file = tmp_path / f"{logical_id}.json"
    event_file.write_text(json.dumps(event))
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            _INVOKE,
            str(build_dir / props["CodeUri"]),
            json.dumps(layers),
            str(event_file),
        ],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _event(name: str, session_id: str | None = None) -> dict:
    text = (ROOT / "events" / f"{name}.json").read_text()
    if session_id:
        text = text.replace("f47ac10b-58cc-4372-a567-0e02b2c3d479", session_id)
    return json.loads(text)


def _unzipped_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def test_each_built_function_fits_lambdas_unzipped_limit(build_dir: Path) -> None:
    """A zip function and its layers hold at most 250 MB unzipped. The photo functions (OpenCV + numpy) are
    the tightest: a pin moved in the vision layer, or boto3 added to the core layer, shows here first."""
    built = tpl.load(build_dir / "template.yaml")
    global_layers = built["Globals"]["Function"]["Layers"]
    sizes = {}
    for logical_id, props in tpl.resources(built, "AWS::Serverless::Function").items():
        folders = [build_dir / props["CodeUri"]]
        folders += [build_dir / ref["Ref"] for ref in [*global_layers, *props.get("Layers", [])]]
        sizes[logical_id] = sum(_unzipped_bytes(folder) for folder in folders)
    largest = max(sizes, key=sizes.__getitem__)
    assert largest in ("CaptureReferenceFaceFunction", "ProctoringSnapshotFunction"), sizes
    assert sizes[largest] < 250_000_000, sizes  # decimal MB: stricter than Lambda's 250 MiB


def test_the_compiled_layers_ship_every_module_compiled_for_the_runtime(build_dir: Path) -> None:
    """A layer is read-only in Lambda: a module without its .pyc is compiled again on every cold start
    (bench/built_init.py). The .pyc must be the runtime's (its magic number) and hash-based unchecked, so
    no mtime the zip gives the source can make Python skip it."""
    import importlib.util

    for layer in (
        "CoreLayer",
        "LlmLayer",
        "LiveKitLayer",
        "EmailLayer",
        "DocumentLayer",
        "ReportLayer",
        "GradingLayer",
    ):
        root = build_dir / layer / "python"
        sources = [f for f in root.rglob("*.py") if f.is_file()]
        assert len(sources) > 10, layer
        for source in sources:
            cached = Path(importlib.util.cache_from_source(str(source)))
            assert cached.exists(), f"{source.relative_to(build_dir)} ships uncompiled"
            header = cached.read_bytes()[:8]
            assert header[:4] == importlib.util.MAGIC_NUMBER, cached
            assert int.from_bytes(header[4:8], "little") == 0b01, cached  # hash-based, not checked


def _run_with_layers(
    build_dir: Path, layers: list[dict], props: dict, code: str, runtime: Path
) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter whose path is only the built function's code, its layers and the
    runtime's packages, as Lambda's is; its first argument is that path as JSON."""
    paths = [str(build_dir / props["CodeUri"]), *(str(build_dir / ref["Ref"] / "python") for ref in layers)]
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, json.dumps([*paths, str(runtime)])],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )


# As _INVOKE, but loads the sentence encoder and embeds sentence-transformers' quickstart pair.
_EMBED = r"""
import json, sys, time
sys.path[:0] = json.loads(sys.argv[1])
started = time.perf_counter()
from interview_core.grading import encoder
a, b = encoder.shared_encoder().embed(["A man is eating food.", "A man is eating a piece of bread."])
print("RESULT " + json.dumps({
    "cosine": float(a @ b), "encoder": encoder.__file__, "model": str(encoder.model_source()),
    "numpy": sys.modules["numpy"].__file__, "tokenizers": sys.modules["tokenizers"].__file__,
    "imported_model_package": "all_minilm_l6_v2" in sys.modules, "seconds": time.perf_counter() - started,
    "vectors": str(encoder.vectors_file()), "known": len(encoder.shared_encoder()._known),
}))
"""


def test_the_built_scoring_functions_embed_with_the_encoder_from_their_layer(
    build_dir: Path, lambda_runtime: Path
) -> None:
    """The functions that score answers carry the grader's encoder and weights (GradingLayer): as built, with
    only their layers on the path, the encoder loads the model the build unpacked in the layer (no zip is
    left to inflate), never imports the model package (it prints), and reproduces the published model."""
    built = tpl.load(build_dir / "template.yaml")
    global_layers = built["Globals"]["Function"]["Layers"]
    scoring = {
        lid: props
        for lid, props in tpl.resources(built, "AWS::Serverless::Function").items()
        if {"Ref": "GradingLayer"} in props.get("Layers", [])
    }
    assert set(scoring) == {"EvaluateAnswersFunction", "EvaluateWorkerFunction"}
    grading = build_dir / "GradingLayer" / "python"
    for logical_id, props in scoring.items():
        proc = _run_with_layers(build_dir, [*global_layers, *props["Layers"]], props, _EMBED, lambda_runtime)
        assert proc.returncode == 0, (logical_id, proc.stderr)
        [line] = proc.stdout.splitlines()  # nothing else printed: the model package was not imported
        out = json.loads(line.removeprefix("RESULT "))
        assert abs(out["cosine"] - 0.7553) < 0.002, (logical_id, out)
        assert out["imported_model_package"] is False
        assert Path(out["encoder"]).is_relative_to(build_dir / "CoreLayer"), out
        assert out["known"] > 3000, (logical_id, out)  # the bank's rubric vectors
        for key in ("model", "numpy", "tokenizers", "vectors"):
            assert Path(out[key]).is_relative_to(grading), (logical_id, key, out)
        assert Path(out["model"]).is_dir() and not (Path(out["model"]) / "model.zip").exists(), out


# Renders a report with a name outside Windows-1252, with only the given paths.
_RENDER = r"""
import json, sys
sys.path[:0] = json.loads(sys.argv[1])
from interview_core import report_pdf
from interview_core.domain import Candidate, Report, TokenUsage
report = Report(session_id="s", topic="Go", difficulty="simple", questions=[], strengths=[], improvements=[],
                summary="-", provider="offline", model="m", rubric_version="1", token_usage=TokenUsage(),
                generated_at="2026-01-01T00:00:00Z", evaluation_seconds=0.1)
pdf = report_pdf.render_report(report, Candidate(name="Łukasz Чайковский", email="l@example.com"))
print("RESULT " + json.dumps({"fonts": str(report_pdf._fonts_dir()), "embedded": b"DejaVuSans" in pdf}))
"""


def test_the_built_report_function_draws_names_in_any_european_script_with_its_layer_s_fonts(
    build_dir: Path, lambda_runtime: Path
) -> None:
    built = tpl.load(build_dir / "template.yaml")
    props = tpl.resources(built, "AWS::Serverless::Function")["GetReportFunction"]
    layers = [*built["Globals"]["Function"]["Layers"], *props["Layers"]]
    proc = _run_with_layers(build_dir, layers, props, _RENDER, lambda_runtime)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.splitlines()[-1].removeprefix("RESULT "))
    assert out["embedded"] and Path(out["fonts"]).is_relative_to(build_dir / "ReportLayer"), out


def test_the_built_health_function_asks_the_model_on_a_deep_check(
    build_dir: Path, tmp_path: Path, lambda_runtime: Path
) -> None:
    """/health?deep=true calls the model: the deployed function has the SDK (LLM layer), so a model that
    does not answer is a degraded 200 naming the error, not a 500 for a missing module."""
    event = _event("health")
    event["rawQueryString"], event["queryStringParameters"] = "deep=true", {"deep": "true"}
    env = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "LLM_PROVIDER": "auto",
        "LLM_BASE_URL": "http://127.0.0.1:9/v1",  # nothing listens there
        "OPENAI_MAX_RETRIES": "0",
    }
    result = _invoke_built(build_dir, FUNCTION_IDS["health"], event, env, tmp_path, lambda_runtime)
    assert result["statusCode"] == 200, result
    body = json.loads(result["body"])
    assert body["status"] == "degraded" and body["llm"]["deep_ok"] is False, body
    assert "APIConnectionError" in body["llm"]["deep_error"], body


def test_each_built_function_serves_its_sample_event(
    build_dir: Path, aws, tmp_path: Path, lambda_runtime: Path
) -> None:
    env = _built_env(
        aws,
        LLM_PROVIDER="offline",
    )

    def call(name: str, session_id: str | None = None) -> dict:
        return _invoke_built(
            build_dir, FUNCTION_IDS[name], _event(name, session_id), env, tmp_path, lambda_runtime
        )

    start = call("start_interview")
    assert start["statusCode"] == 200, start
    sid = json.loads(start["body"])["session_id"]
    for name in (
        "root",
        "health",
        "list_sessions",
        "generate_questions",
        "evaluate_answers",
        "get_session",
        "usage",
    ):
        result = call(name, sid)
        assert result["statusCode"] == 200, (name, result)
    answers = [call("submit_answer", sid) for _ in range(5)]
    assert [r["statusCode"] for r in answers] == [200] * 5
    assert json.loads(answers[-1]["body"])["status"] == "completed"
    assert call("get_report", sid)["statusCode"] == 202
    assert call("evaluate_worker", sid) == {"batchItemFailures": []}
    report = call("get_report", sid)
    assert report["statusCode"] == 200
    assert len(json.loads(report["body"])["questions"]) == 5
    assert call("cleanup")["complete"] is True
    assert call("delete_session", sid)["statusCode"] == 200
    assert call("get_session", sid)["statusCode"] == 404


def test_the_built_webhook_functions_sign_and_deliver(
    build_dir: Path, aws, tmp_path: Path, lambda_runtime: Path, receiver
) -> None:
    """The dispatcher signs with its layer (standardwebhooks) and, with no delivery function named, sends
    itself; the delivery function refuses what the address guard refuses."""
    from standardwebhooks.webhooks import Webhook

    from infra.sqs_poller import sqs_event
    from interview_core.webhooks.endpoints import WebhookEndpoints
    from interview_core.webhooks.messages import Message

    env = _built_env(aws, WEBHOOK_ALLOW_LOOPBACK="true", WEBHOOK_DELIVERY_FUNCTION="")
    made, secret = WebhookEndpoints(aws.env["SESSIONS_TABLE"]).create(
        "acme", receiver.url, ["report.ready"], None
    )
    body = Message("msg_built", "report.ready", "acme", made.webhook_id, '{"type": "report.ready"}').body()
    record = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": body,
        "Attributes": {"ApproximateReceiveCount": "1"},
    }
    event = sqs_event([record], "arn:aws:sqs:us-east-1:123456789012:WebhookQueue", "us-east-1")
    result = _invoke_built(build_dir, FUNCTION_IDS["webhook_dispatch"], event, env, tmp_path, lambda_runtime)
    assert result == {"batchItemFailures": []}
    [(headers, got)] = receiver.got
    assert Webhook(secret).verify(got, headers)["type"] == "report.ready"
    refused = _invoke_built(
        build_dir,
        FUNCTION_IDS["webhook_delivery"],
        _event("webhook_delivery", None),
        env,
        tmp_path,
        lambda_runtime,
    )
    assert refused["ok"] is False and refused["status"] is None


def test_built_audio_functions_decode_with_their_layer_and_call_hosted_speech(
    build_dir: Path, aws, tmp_path: Path, lambda_runtime: Path
) -> None:
    """In AWS the zip functions carry PyAV (audio layer) but not faster-whisper: speech goes to OpenAI
    (here a local server speaking its wire format), and the offline engine is a clear 503."""
    from tests.support.audio import speech
    from tests.support.openai_stub import OpenAIStub

    stub = OpenAIStub().start()
    stub.speech_audio = speech("Tell me about arrays.", "mp3")
    env = _built_env(
        aws,
        LLM_PROVIDER="offline",
        STT_PROVIDER="openai",
        TTS_PROVIDER="openai",
        OPENAI_API_KEY="sk-test-placeholder",
        OPENAI_BASE_URL=stub.base_url,
    )

    def call(name: str, session_id: str | None = None, **extra: str) -> dict:
        return _invoke_built(
            build_dir,
            FUNCTION_IDS[name],
            _event(name, session_id),
            {**env, **extra},
            tmp_path,
            lambda_runtime,
        )

    try:
        sid = json.loads(call("start_interview")["body"])["session_id"]
        upload = call("audio_upload", sid)
        assert upload["statusCode"] == 200, upload
        assert json.loads(upload["body"])["audio_key"].startswith(f"sessions/{sid}/uploads/")

        offline = call("audio_answer", sid, STT_PROVIDER="offline")
        assert offline["statusCode"] == 503
        assert "faster-whisper) is not installed" in json.loads(offline["body"])["detail"]

        answered = call("audio_answer", sid)
        assert answered["statusCode"] == 200, answered
        body = json.loads(answered["body"])
        assert body["transcript"] == "Arrays store elements in contiguous memory"
        assert body["question_number"] == 2 and body["speaking"]["word_count"] == 6
        [sent] = [r["body"] for r in stub.requests if r["path"].endswith("/audio/transcriptions")]
        assert sent["file"]["filename"] == "answer.mp3"
        assert sent["response_format"] == "verbose_json" and sent["timestamp_granularities[]"] == "word"

        transcribed = call("transcribe_audio")
        assert transcribed["statusCode"] == 200, transcribed
        assert json.loads(transcribed["body"])["filename"] == "answer.mp3"

        spoken = call("text_to_speech")
        assert spoken["statusCode"] == 200 and spoken["isBase64Encoded"] is True
        assert spoken["headers"]["content-type"] == "audio/mpeg"
        assert base64.b64decode(spoken["body"]) == stub.speech_audio
    finally:
        stub.stop()


def test_built_recruiter_functions_with_their_layers(
    build_dir: Path, aws, tmp_path: Path, lambda_runtime: Path
) -> None:
    """The recruiter functions as deployed (access control on), each with only its own layers: LiveKit
    (here unreachable: fallback), OpenCV for the photo checks, the runtime's boto3."""
    from interview_core import wiring

    key, _ = wiring.api_keys().create("acme", "sam test")
    env = _built_env(
        aws,
        AUTH_REQUIRED="true",
        LLM_PROVIDER="offline",
        LIVEKIT_URL="ws://127.0.0.1:9",  # nothing listens there
        LIVEKIT_API_KEY="devkey",
        LIVEKIT_API_SECRET="test-secret-0123456789abcdefghijklmnop",
    )
    swaps = {"mik_example-key-replace-with-one-from-infra-admin": key}

    def call(name: str) -> tuple[int, dict]:
        text = (ROOT / "events" / f"{name}.json").read_text()
        for old, new in swaps.items():
            text = text.replace(old, new)
        event = json.loads(text)
        if event.get("isBase64Encoded"):  # a multipart form: the ids inside it are swapped too
            raw = base64.b64decode(event["body"])
            for old, new in swaps.items():
                raw = raw.replace(old.encode(), new.encode())
            event["body"] = base64.b64encode(raw).decode()
            event["headers"]["content-length"] = str(len(raw))
        result = _invoke_built(build_dir, FUNCTION_IDS[name], event, env, tmp_path, lambda_runtime)
        body = result.get("body", "")
        return result["statusCode"], json.loads(body) if body.startswith("{") else {}

    status, created = call("recruiter_create")
    assert status == 200, created
    assert created["livekit_fallback"] is True and "unreachable" in created["livekit_fallback_reason"]
    swaps["f47ac10b-58cc-4372-a567-0e02b2c3d479"] = created["session_id"]
    swaps["candidate-token-returned-by-create"] = created["candidate_token"]
    for name in (
        "recruiter_list",
        "recruiter_get",
        "recruiter_stats",
        "recruiter_consent",
        "proctoring_events",
    ):
        status, body = call(name)
        assert status == 200, (name, body)
    status, face = call("capture_reference_face")
    assert status == 200 and face["faces"] == 1, face
    assert call("recruiter_start")[0] == 200
    status, snap = call("proctoring_snapshot")
    assert status == 200 and snap["verdict"] == "ok", snap
    assert call("recruiter_end")[0] == 200
    status, job = call("job_create")
    assert status == 201, job
    swaps["5b1f3c2a-7d4e-4a6b-9c8d-0e1f2a3b4c5d"] = job["job_id"]
    assert [call(n)[0] for n in ("job_list", "job_get", "job_delete")] == [200, 200, 200]
    status, webhook = call("livekit_webhook")  # the sample's signature is a placeholder
    assert status == 401, webhook
    assert call("recruiter_delete")[0] == 200
    assert call("recruiter_get")[0] == 404


def test_built_live_channel_functions(build_dir: Path, aws, tmp_path: Path, lambda_runtime: Path) -> None:
    """$connect authenticates and remembers the connection, $default answers through post_to_connection
    (a local endpoint speaking the management API), $disconnect forgets it: as built, layers only."""
    from interview_core import wiring
    from interview_core.services.recruiter import NewSession
    from tests.support.ws_gateway import ManagementApi

    management = ManagementApi().start()
    spec = NewSession("Sam", "sam@example.com", None, None, ["Q1?"], None, None, 120, 300)
    created = wiring.recruiter_service().create("public", spec)
    env = _built_env(aws, LLM_PROVIDER="offline", WS_MANAGEMENT_ENDPOINT=management.endpoint)
    swaps = {
        "f47ac10b-58cc-4372-a567-0e02b2c3d479": created.session.session_id,
        "candidate-token-returned-by-create": created.candidate_token,
    }

    def call(name: str) -> dict:
        text = (ROOT / "events" / f"{name}.json").read_text()
        for old, new in swaps.items():
            text = text.replace(old, new)
        return _invoke_built(build_dir, FUNCTION_IDS[name], json.loads(text), env, tmp_path, lambda_runtime)

    try:
        assert call("ws_connect")["statusCode"] == 200
        connection = json.loads((ROOT / "events" / "ws_default.json").read_text())["requestContext"][
            "connectionId"
        ]
        assert call("ws_default")["statusCode"] == 200
        sent = [m["type"] for m in management.take(connection)]
        assert sent[0] == "state" and "question" not in sent  # initialized: the candidate starts it
        assert call("ws_disconnect")["statusCode"] == 200
        swaps["candidate-token-returned-by-create"] = "wrong-token"
        assert call("ws_connect")["statusCode"] in (401, 404)
    finally:
        management.stop()


# The SAM transform as `sam validate` runs it (code locations replaced by placeholders, no AWS call):
# the template CloudFormation deploys, with the roles SAM writes for each function.
_TRANSFORM = r"""
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

class NoManagedPolicies:  # the template names no managed policy itself
    def load(self):
        return {}

template = yaml_parse(open(sys.argv[1]).read())
for resource in template["Resources"].values():
    for key in ("CodeUri", "ContentUri"):
        if isinstance(resource.get("Properties", {}).get(key), str):
            resource["Properties"][key] = "s3://bucket/key"
print(json.dumps(transform(template, {"AWS::Region": "us-east-1"}, NoManagedPolicies())))
"""


def test_the_code_runners_role_allows_its_logs_and_network_interfaces_only() -> None:
    python = SAM.parent / "python"
    env = {"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run(
        [str(python), "-c", _TRANSFORM, str(ROOT / "template.yaml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    resources = json.loads(out.stdout)["Resources"]
    role = resources["CodeRunnerFunctionRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",  # its logs
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",  # the ENIs in its subnets
    ]
    assert "Policies" not in role and "PermissionsBoundary" not in role
    runner = resources["CodeRunnerFunction"]["Properties"]
    assert "TracingConfig" not in runner and runner["VpcConfig"]["SubnetIds"] == [
        {"Ref": "CodeRunnerSubnetA"},
        {"Ref": "CodeRunnerSubnetB"},
    ]
    assert not [
        r
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::Permission" and "CodeRunner" in json.dumps(r)
    ]
    # the callers may invoke it (its versions and alias: the function's name and what follows) and nothing else
    for caller in (
        "CodeRunFunction",
        "EvaluateWorkerFunction",
        "RecruiterCreateFunction",
        "JobCreateFunction",
        "JobUpdateFunction",  # an edited job's coding questions are vetted again
        "StartInterviewFunction",  # vets a language model's coding questions there
        "WsDefaultFunction",  # the live channel's run_code
    ):
        policies = resources[f"{caller}Role"]["Properties"]["Policies"]
        documents = [q for p in policies for q in p.get("Fn::If", [None, p])[1:]]  # a condition's branches
        statements = [
            s
            for q in documents
            if isinstance(q, dict) and "PolicyDocument" in q
            for s in q["PolicyDocument"]["Statement"]
            if any(a.startswith("lambda:") for a in s["Action"])
        ]
        assert statements == [
            {
                "Action": ["lambda:InvokeFunction"],
                "Effect": "Allow",
                "Resource": {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*",
                        {"functionName": {"Ref": "CodeRunnerFunction"}},
                    ]
                },
            }
        ], caller


def test_the_built_code_runner_runs_a_payload_and_its_child_sees_no_credentials(
    build_dir: Path, tmp_path: Path, lambda_runtime: Path
) -> None:
    """As deployed (its folder and the core layer), with what Lambda puts in its environment: the role's
    credentials and the template's variables. The candidate's code reads the environment and the
    parent's /proc files and finds none of them."""
    template = tpl.load()
    variables = {**template["Globals"]["Function"]["Environment"]["Variables"]}
    variables.update(template["Resources"]["CodeRunnerFunction"]["Properties"]["Environment"]["Variables"])
    env = {k: v for k, v in variables.items() if isinstance(v, str)}  # the Refs have no value here
    env |= {
        "AWS_ACCESS_KEY_ID": "ASIARUNNER0000000000",
        "AWS_SECRET_ACCESS_KEY": "ASIARUNNER-secret",
        "AWS_SESSION_TOKEN": "ASIARUNNER-token",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "sam-built",
    }
    event = _event("code_runner")
    result = _invoke_built(build_dir, FUNCTION_IDS["code_runner"], event, env, tmp_path, lambda_runtime)
    assert (result["passed"], result["total"], result["error"]) == (3, 3, None), result
    snoop = (
        "import os\n"
        "found = [open(f'/proc/{p}/environ', 'rb').read() for p in [str(os.getppid()), 'self']\n"
        "         if os.access(f'/proc/{p}/environ', os.R_OK)]\n"
        "print(dict(os.environ), b'ASIARUNNER' in b''.join(found))\n"
        "def reverse(items):\n    return items[::-1]\n"
    )
    result = _invoke_built(
        build_dir, FUNCTION_IDS["code_runner"], {**event, "code": snoop}, env, tmp_path, lambda_runtime
    )
    assert result["passed"] == 3 and result["stdout"] == "{} False\n", result
