"""Operator commands, against a deployed stack or the running local stack.

    python -m infra.admin --stack mock-interview cleanup      # run the cleanup now
    python -m infra.admin --stack mock-interview erase <id>   # erase a session and everything it owns
    python -m infra.admin --stack mock-interview redrive      # move dead letters back after a fix
    python -m infra.admin --local cleanup                     # the same against ./scripts/run-local.sh
    python -m infra.admin --stack mock-interview api-key create --org acme --name "ATS integration"
    python -m infra.admin --stack mock-interview api-key list --org acme
    python -m infra.admin --stack mock-interview api-key revoke --org acme <key_id>
    python -m infra.admin --stack mock-interview quota set --org acme --sessions-per-day 200 --tts-chars-per-day 100000
    python -m infra.admin --stack mock-interview quota show --org acme

An API key is printed once, when it is created; only its SHA-256 hash is stored. Quotas are per UTC day;
an organisation without its own uses the stack's (QuotaSessionsPerDay...), and warm functions see a change
within 30 s.

Without --stack or --local the environment is used as it is (SESSIONS_TABLE, MEDIA_BUCKET,
EVALUATION_QUEUE_URL, EVALUATION_DLQ_URL, AWS_ENDPOINT_URL...).
"""

import argparse
import json
import os
import sys
from pathlib import Path

import boto3

# Where the running local stack records its environment for --local: LOCAL_STACK_STATE, else the repository's
# .local-stack.json (tests point it at a temporary file, so they never touch a stack the user runs).
LOCAL_STATE = Path(
    os.environ.get("LOCAL_STACK_STATE") or Path(__file__).resolve().parents[1] / ".local-stack.json"
)
STACK_OUTPUTS = {
    "SessionsTableName": "SESSIONS_TABLE",
    "MediaBucketName": "MEDIA_BUCKET",
    "EvaluationQueueUrl": "EVALUATION_QUEUE_URL",
    "EvaluationDeadLetterQueueUrl": "EVALUATION_DLQ_URL",
    "WebhookQueueUrl": "WEBHOOK_QUEUE_URL",
    "WebhookDeadLetterQueueUrl": "WEBHOOK_DLQ_URL",
}
# The stack's default quotas, so `quota show` reports what the deployed functions apply.
STACK_PARAMETERS = {
    "QuotaSessionsPerDay": "QUOTA_SESSIONS_PER_DAY",
    "QuotaLlmCallsPerDay": "QUOTA_LLM_CALLS_PER_DAY",
    "QuotaTtsCharsPerDay": "QUOTA_TTS_CHARS_PER_DAY",
    "QuotaAudioMinutesPerDay": "QUOTA_AUDIO_MINUTES_PER_DAY",
}
QUOTA_OPTIONS = {  # option -> limit name (interview_core.quota.LIMIT_NAMES)
    "sessions_per_day": "sessions",
    "llm_calls_per_day": "llm_calls",
    "tts_chars_per_day": "tts_chars",
    "audio_minutes_per_day": "audio_minutes",
}


def stack_env(stack: str) -> dict[str, str]:
    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs = described.get("Outputs", [])
    env = {
        STACK_OUTPUTS[o["OutputKey"]]: o["OutputValue"] for o in outputs if o["OutputKey"] in STACK_OUTPUTS
    }
    for p in described.get("Parameters", []):
        if p["ParameterKey"] in STACK_PARAMETERS:
            env[STACK_PARAMETERS[p["ParameterKey"]]] = p["ParameterValue"]
    return env


def local_env() -> dict[str, str]:
    if not LOCAL_STATE.exists():
        sys.exit("no local stack is running (start it with ./scripts/run-local.sh)")
    return json.loads(LOCAL_STATE.read_text())


def redrive(dlq_url: str, queue_url: str, limit: int) -> int:
    """Move up to `limit` messages from the dead-letter queue back to the queue, bodies unchanged."""
    sqs = boto3.client("sqs")
    moved = 0
    while moved < limit:
        batch = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=min(10, limit - moved), WaitTimeSeconds=1
        )
        messages = batch.get("Messages", [])
        if not messages:
            break
        entries = [{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)]
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        ok = {e["Id"] for e in sent.get("Successful", [])}
        done = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
            for i, m in enumerate(messages)
            if str(i) in ok
        ]
        if done:  # only what was re-sent leaves the dead-letter queue
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=done)
        moved += len(done)
        if len(done) < len(messages):
            raise SystemExit(f"could not re-send {len(messages) - len(done)} messages; they stay in the DLQ")
    return moved


def quota_report(q, org: str) -> dict:  # noqa: ANN001 - interview_core.quota.Quotas, imported late
    """An organisation's effective limits (its own, else the defaults), which are its own, and today's usage."""
    from interview_core.quota import LIMIT_NAMES

    usage = q.usage(f"org#{org}")
    own = q.overrides(org)
    used = {LIMIT_NAMES[m]: n for m, n in usage.used.items()}
    used["audio_minutes"] = round(used["audio_minutes"] / 60, 2)
    return {
        "org": org,
        "day": usage.day,
        "limits": vars(usage.limits),
        "overridden": sorted(own),
        "used": used,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--stack", help="CloudFormation stack name of a deployment")
    where.add_argument("--local", action="store_true", help="the stack started by ./scripts/run-local.sh")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("cleanup", help="run the scheduled cleanup now")
    erase = commands.add_parser("erase", help="erase a session and everything it owns, now")
    erase.add_argument("session_id")
    again = commands.add_parser(
        "redrive", help="move dead-lettered evaluations (or webhooks) back to their queue"
    )
    again.add_argument("--max", type=int, default=1000)
    again.add_argument("--queue", choices=["evaluations", "webhooks"], default="evaluations")
    keys = commands.add_parser("api-key", help="create, list or revoke an organisation's API keys")
    key_commands = keys.add_subparsers(dest="key_command", required=True)
    for name in ("create", "list", "revoke"):
        sub = key_commands.add_parser(name)
        sub.add_argument("--org", required=True, help="organisation id (lowercase letters, digits, '-')")
        if name == "create":
            sub.add_argument("--name", default="api key", help="what the key is for")
        if name == "revoke":
            sub.add_argument("key_id")
    quota = commands.add_parser("quota", help="set or show an organisation's daily quotas and today's usage")
    quota_commands = quota.add_subparsers(dest="quota_command", required=True)
    for name in ("set", "show"):
        sub = quota_commands.add_parser(name)
        sub.add_argument("--org", required=True, help="organisation id")
        if name == "set":
            for option in QUOTA_OPTIONS:
                sub.add_argument(f"--{option.replace('_', '-')}", type=int, metavar="N")
    args = parser.parse_args(argv)

    if args.stack:
        os.environ.update(stack_env(args.stack))
    elif args.local:
        os.environ.update(local_env())

    # Imported after the environment is final: settings are read once.
    from interview_core.errors import NotFound, SessionNotFound
    from interview_core.wiring import api_keys, quotas, retention_service
    from interview_core.workers.cleanup import handle

    if args.command == "cleanup":
        print(json.dumps(handle({}, None)))
    elif args.command == "erase":
        try:
            retention_service().erase(args.session_id)
        except SessionNotFound:
            sys.exit(f"session {args.session_id} not found")
        print(json.dumps({"erased": args.session_id}))
    elif args.command == "api-key":
        store = api_keys()
        if args.key_command == "create":
            try:
                key, info = store.create(args.org, args.name)
            except ValueError as err:
                sys.exit(str(err))
            print(json.dumps({"api_key": key, **vars(info)}))
            print("Store the api_key now: it is not shown again.", file=sys.stderr)
        elif args.key_command == "list":
            print(json.dumps([vars(i) for i in store.list(args.org)]))
        else:
            try:
                print(json.dumps(vars(store.revoke(args.org, args.key_id))))
            except NotFound as err:
                sys.exit(err.detail)
    elif args.command == "quota":
        q = quotas()
        if args.quota_command == "set":
            limits = {n: getattr(args, o) for o, n in QUOTA_OPTIONS.items() if getattr(args, o) is not None}
            if not limits:
                sys.exit(
                    "nothing to set: give at least one of "
                    + ", ".join(f"--{o.replace('_', '-')}" for o in QUOTA_OPTIONS)
                )
            try:
                q.set_overrides(args.org, **limits)
            except ValueError as err:
                sys.exit(str(err))
        print(json.dumps(quota_report(q, args.org)))
    else:
        kind = "WEBHOOK" if args.queue == "webhooks" else "EVALUATION"
        moved = redrive(os.environ[f"{kind}_DLQ_URL"], os.environ[f"{kind}_QUEUE_URL"], args.max)
        print(json.dumps({"redriven": moved}))


if __name__ == "__main__":
    main()
