"""Each function's init loads only what it uses, and only what its deployment ships.

Every function is imported in a fresh process where the local virtualenv's other packages are hidden
(infra.deployed_imports), as in Lambda: a function that needs a package of a layer it lacks fails to
import here as it would there. What it loads is then checked against its allowance: the costly optional
packages (each tens to hundreds of ms of cold start) load only in the functions that need them at init.
"""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest

from infra import template as tpl
from infra.deployed_imports import ROOT, function_requirements, hidden_modules

# Loaded on first use, never at init: the model SDK on the first model call, LiveKit when a room opens,
# PyAV when audio arrives, OpenCV when a photo does. email-validator is loaded by FastAPI wherever it is
# installed, so only the function whose layer ships it loads it.
COSTLY = {"openai", "httpx", "livekit", "av", "cv2", "numpy", "email_validator", "dns", "python_multipart"}
AT_INIT = {
    "functions/recruiter_create": {"email_validator", "dns"},  # EmailLayer: candidate addresses
    # form uploads: FastAPI checks at init that python-multipart is installed
    "functions/audio_answer": {"python_multipart"},
    "functions/transcribe_audio": {"python_multipart"},
    "functions/resume_text": {"python_multipart"},  # pypdf only when a PDF arrives
    "functions/capture_reference_face": {"python_multipart"},
    "functions/proctoring_snapshot": {"python_multipart"},
}
# Core modules that belong to one side of the API: the practice functions never load the recruiter's, and
# only the live channel's functions load the channel.
RECRUITER_ONLY = {
    "interview_core.services.recruiter",
    "interview_core.jobs",
    "interview_core.api.recruiter_schemas",
}
LIVE_ONLY = {"interview_core.live.channel", "interview_core.live.protocol"}
PRACTICE_ONLY = {"interview_core.api.schemas", "interview_core.api.views"}
NEVER = {"pydantic_settings", "faster_whisper", "ctranslate2", "moto", "uvicorn", "yaml"}
# FastAPI imports it only to refuse pydantic v1 models, which this code has none of (lambda_init).
NEVER_MODULES = {"pydantic.v1"}

_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from infra.deployed_imports import hide
hide(json.loads(sys.argv[3]))
del sys.path[0]
sys.path.insert(0, sys.argv[2])
import app
assert callable(app.handler)
print(json.dumps(sorted(k for k, v in sys.modules.items() if v is not None)))
"""


def _functions() -> list[str]:
    return sorted(
        p["CodeUri"].rstrip("/") for p in tpl.resources(tpl.load(), "AWS::Serverless::Function").values()
    )


@cache
def _loaded() -> dict[str, list[str] | str]:
    """CodeUri -> the modules its init loaded, or the error that stopped it."""
    env = {"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONPATH": str(ROOT / "shared")}

    def load(code_uri: str) -> list[str] | str:
        hidden = hidden_modules(function_requirements(code_uri))
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(ROOT), str(ROOT / code_uri), json.dumps(hidden)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return json.loads(out.stdout) if out.returncode == 0 else out.stderr[-2000:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(_functions(), pool.map(load, _functions()), strict=True))


@pytest.mark.parametrize("code_uri", _functions())
def test_a_function_initialises_with_only_what_its_deployment_ships(code_uri: str) -> None:
    loaded = _loaded()[code_uri]
    assert isinstance(loaded, list), f"{code_uri} does not initialise with only its layers:\n{loaded}"
    tops = {m.partition(".")[0] for m in loaded}
    assert not tops & NEVER, f"{code_uri} loads what no function ships: {sorted(tops & NEVER)}"
    costly = tops & COSTLY
    allowed = AT_INIT.get(code_uri, set())
    assert costly <= allowed, (
        f"{code_uri} loads {sorted(costly - allowed)} at init (allowance: {sorted(allowed)})"
    )
    modules = set(loaded)
    assert not modules & NEVER_MODULES, f"{code_uri} loads {sorted(modules & NEVER_MODULES)}"
    name = code_uri.removeprefix("functions/")
    if name.startswith(("recruiter_", "job_")):
        assert not modules & PRACTICE_ONLY, (
            f"{code_uri} loads the practice API's models: {sorted(modules & PRACTICE_ONLY)}"
        )
    if not name.startswith(("recruiter_", "job_", "ws_", "proctoring_", "capture_", "livekit_")):
        assert not modules & RECRUITER_ONLY, (
            f"{code_uri} loads recruiter code: {sorted(modules & RECRUITER_ONLY)}"
        )
    if not name.startswith("ws_"):
        assert not modules & LIVE_ONLY, f"{code_uri} loads the live channel: {sorted(modules & LIVE_ONLY)}"


def test_hiding_works_as_a_missing_package_does() -> None:
    # The check above is only as good as the hiding: a hidden package must fail to import, and the
    # deployment of a function without the LLM layer must hide the OpenAI SDK.
    hidden = hidden_modules(function_requirements("functions/get_session"))
    assert {"openai", "livekit", "cv2", "email_validator", "moto"} <= set(hidden)
    assert not {"fastapi", "pydantic", "boto3", "botocore", "aws_lambda_powertools"} & set(hidden)
    code = "import json, sys; from infra.deployed_imports import hide; hide(['json_stub_x', 'email_validator'])\n"
    code += (
        "try:\n    import email_validator\nexcept ModuleNotFoundError as e:\n    print('hidden', e.name)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "hidden email_validator"
