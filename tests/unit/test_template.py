"""Invariants of template.yaml that the design relies on."""

from infra import template as tpl
from interview_core.settings import Settings

T = tpl.load()
RES = T["Resources"]


def test_evaluation_queue_outlives_the_worker_and_has_a_dead_letter_queue() -> None:
    queue = RES["EvaluationQueue"]["Properties"]
    worker = RES["EvaluateWorkerFunction"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["EvaluationDeadLetterQueue", "Arn"]
    }
    assert 1 < queue["RedrivePolicy"]["maxReceiveCount"] <= 10
    event = worker["Events"]["Evaluations"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_sessions_table_has_ttl_and_point_in_time_recovery() -> None:
    table = RES["SessionsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert RES["SessionsTable"]["DeletionPolicy"] == "Retain"


def test_http_functions_fit_the_http_api_timeout() -> None:
    assert T["Globals"]["Function"]["Timeout"] < 30


def test_only_functions_that_call_a_model_attach_the_llm_layer() -> None:
    with_llm = {
        name
        for name, props in tpl.resources(T, "AWS::Serverless::Function").items()
        if {"Ref": "LlmLayer"} in props.get("Layers", [])
    }
    assert with_llm == {
        "StartInterviewFunction",
        "JobCreateFunction",  # `generate` writes a job's questions
        "JobUpdateFunction",
        "GenerateQuestionsFunction",
        "EvaluateAnswersFunction",
        "EvaluateWorkerFunction",
        "HealthFunction",  # ?deep=true asks the model
        # OpenAI transcription and speech
        "AudioAnswerFunction",
        "TranscribeAudioFunction",
        "TextToSpeechFunction",
    }


def test_only_functions_that_decode_audio_attach_the_audio_layer() -> None:
    with_audio = {
        name
        for name, props in tpl.resources(T, "AWS::Serverless::Function").items()
        if {"Ref": "AudioLayer"} in props.get("Layers", [])
    }
    assert with_audio == {"AudioAnswerFunction", "TranscribeAudioFunction"}


def test_only_functions_that_score_answers_attach_the_grading_layer() -> None:
    # The sentence encoder and its weights (~165 MB unzipped): only where LanguageModel.score_answer runs,
    # the evaluation worker and POST /evaluate-answers (services.evaluation.score_answers).
    with_grading = {
        name
        for name, props in tpl.resources(T, "AWS::Serverless::Function").items()
        if {"Ref": "GradingLayer"} in props.get("Layers", [])
    }
    assert with_grading == {"EvaluateAnswersFunction", "EvaluateWorkerFunction"}
    assert {"Ref": "GradingLayer"} not in T["Globals"]["Function"]["Layers"]


def test_media_bucket_is_private_encrypted_tls_only_and_expires() -> None:
    bucket = RES["MediaBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert any(r.get("ExpirationInDays") for r in bucket["LifecycleConfiguration"]["Rules"])
    [deny] = RES["MediaBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_no_secret_is_a_plain_template_value() -> None:
    env = T["Globals"]["Function"]["Environment"]["Variables"]
    assert "OPENAI_API_KEY" not in env
    assert env["OPENAI_API_KEY_PARAMETER"] == {"Ref": "OpenAIApiKeyParameter"}


def _with_layer(layer: str) -> set[str]:
    return {
        name
        for name, props in tpl.resources(T, "AWS::Serverless::Function").items()
        if {"Ref": layer} in props.get("Layers", [])
    }


def test_livekit_and_opencv_load_only_where_they_are_used() -> None:
    assert _with_layer("LiveKitLayer") == {
        "RecruiterCreateFunction",
        "RecruiterEndFunction",
        "RecruiterDeleteFunction",
        "LiveKitWebhookFunction",
        "WsDefaultFunction",  # the live channel's `end` closes the room, as RecruiterEndFunction does
    }
    assert _with_layer("VisionLayer") == {"CaptureReferenceFaceFunction", "ProctoringSnapshotFunction"}
    assert _with_layer("DocumentLayer") == {"ResumeTextFunction"}  # pypdf
    assert _with_layer("ReportLayer") == {"GetReportFunction"}  # fpdf2


def test_deployments_require_api_keys_by_default_and_keep_secrets_in_ssm() -> None:
    assert T["Parameters"]["RequireApiKey"]["Default"] == "true"
    env = T["Globals"]["Function"]["Environment"]["Variables"]
    assert env["AUTH_REQUIRED"] == {"Ref": "RequireApiKey"}
    assert "LIVEKIT_API_SECRET" not in env
    assert env["LIVEKIT_API_SECRET_PARAMETER"] == {"Ref": "LiveKitApiSecretParameter"}


def test_listings_read_sparse_indexes() -> None:
    indexes = {i["IndexName"]: i for i in RES["SessionsTable"]["Properties"]["GlobalSecondaryIndexes"]}
    assert [k["AttributeName"] for k in indexes["ListIndex"]["KeySchema"]] == ["list_pk", "list_sk"]
    assert [k["AttributeName"] for k in indexes["StatusIndex"]["KeySchema"]] == ["status_pk", "list_sk"]


def test_browsers_on_other_origins_may_call_the_api() -> None:
    cors = RES["HttpApi"]["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == {"Fn::Split": [",", {"Ref": "CorsAllowedOrigins"}]}
    assert {"content-type", "x-api-key", "x-session-token"} <= set(cors["AllowHeaders"])
    assert {"GET", "POST", "DELETE"} <= set(cors["AllowMethods"])


def test_api_gateway_throttles_every_route_with_deploy_parameters() -> None:
    throttling = {
        "ThrottlingRateLimit": {"Ref": "ApiThrottlingRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ApiThrottlingBurstLimit"},
    }
    assert RES["HttpApi"]["Properties"]["DefaultRouteSettings"] == throttling
    assert RES["WebSocketStage"]["Properties"]["DefaultRouteSettings"] == throttling
    for name in ("ApiThrottlingRateLimit", "ApiThrottlingBurstLimit"):
        assert T["Parameters"][name]["Type"] == "Number" and T["Parameters"][name]["MinValue"] >= 1


COSTLY_HTTP_FUNCTIONS = {
    "StartInterviewFunction",  # generates the questions
    "GenerateQuestionsFunction",
    "EvaluateAnswersFunction",
    "AudioAnswerFunction",
    "TranscribeAudioFunction",
    "TextToSpeechFunction",
}


def test_functions_that_cost_money_per_call_have_reserved_concurrency_unless_turned_off() -> None:
    reserved = {
        name: props["ReservedConcurrentExecutions"]
        for name, props in tpl.resources(T, "AWS::Serverless::Function").items()
        if "ReservedConcurrentExecutions" in props
    }
    assert set(reserved) == COSTLY_HTTP_FUNCTIONS | {"CodeRunnerFunction"}  # its own parameter: below
    del reserved["CodeRunnerFunction"]
    assert all(
        value
        == {
            "Fn::If": [
                "ReservesCostlyConcurrency",
                {"Ref": "CostlyFunctionConcurrency"},
                {"Ref": "AWS::NoValue"},
            ]
        }
        for value in reserved.values()
    )
    # -1 or 0: unreserved (a new account's concurrency limit may be too low to reserve any)
    condition = T["Conditions"]["ReservesCostlyConcurrency"]
    assert condition == {
        "Fn::Not": [
            {
                "Fn::Or": [
                    {"Fn::Equals": [{"Ref": "CostlyFunctionConcurrency"}, "-1"]},  # a Ref is a string
                    {"Fn::Equals": [{"Ref": "CostlyFunctionConcurrency"}, "0"]},
                ]
            }
        ]
    }
    assert T["Parameters"]["CostlyFunctionConcurrency"]["MinValue"] == -1
    # The SQS worker is capped by its event source instead: a throttled SQS invocation counts as a receive
    # and would push evaluations to the dead-letter queue.
    event = RES["EvaluateWorkerFunction"]["Properties"]["Events"]["Evaluations"]["Properties"]
    assert event["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "EvaluationWorkerConcurrency"}}
    assert T["Parameters"]["EvaluationWorkerConcurrency"]["MinValue"] >= 2


def test_daily_quotas_are_deploy_parameters() -> None:
    env = T["Globals"]["Function"]["Environment"]["Variables"]
    for variable, parameter in {
        "QUOTA_SESSIONS_PER_DAY": "QuotaSessionsPerDay",
        "QUOTA_LLM_CALLS_PER_DAY": "QuotaLlmCallsPerDay",
        "QUOTA_TTS_CHARS_PER_DAY": "QuotaTtsCharsPerDay",
        "QUOTA_AUDIO_MINUTES_PER_DAY": "QuotaAudioMinutesPerDay",
    }.items():
        assert env[variable] == {"Ref": parameter}
        # the settings' own defaults are the deployed ones (the local stand-in provisions higher ones)
        assert str(Settings.model_fields[variable.lower()].default) == str(
            T["Parameters"][parameter]["Default"]
        )


MODEL_FUNCTIONS = {  # they call the language model: the model's server key goes to them alone
    "StartInterviewFunction",
    "JobCreateFunction",  # `generate`
    "JobUpdateFunction",
    "GenerateQuestionsFunction",
    "EvaluateAnswersFunction",
    "EvaluateWorkerFunction",
    "HealthFunction",  # ?deep=true
}


def test_the_language_model_settings_are_deploy_parameters() -> None:
    import typing

    env = T["Globals"]["Function"]["Environment"]["Variables"]
    fields = Settings.model_fields
    for variable, parameter in {
        "LLM_BASE_URL": "LlmBaseUrl",
        "LLM_OUTPUT_MODE": "LlmOutputMode",
        "LLM_MAX_OUTPUT_TOKENS": "LlmMaxOutputTokens",
        "LLM_HEALTH_CHECK_SECONDS": "LlmHealthCheckSeconds",
    }.items():
        assert env[variable] == {"Ref": parameter}
        default = fields[variable.lower()].default
        assert str(T["Parameters"][parameter]["Default"]) == ("" if default is None else str(default))
        assert T["Parameters"][parameter]["Description"]
    modes = T["Parameters"]["LlmOutputMode"]["AllowedValues"]
    assert modes == list(typing.get_args(fields["llm_output_mode"].annotation))
    for parameter, field in {  # the settings' own lower bounds: a deploy cannot set what they refuse
        "LlmMaxOutputTokens": "llm_max_output_tokens",
        "LlmHealthCheckSeconds": "llm_health_check_seconds",
    }.items():
        [bound] = [m.ge for m in fields[field].metadata if hasattr(m, "ge")]
        assert T["Parameters"][parameter]["MinValue"] == bound


def test_the_model_servers_key_is_hidden_and_given_only_to_the_functions_that_call_the_model() -> None:
    key = T["Parameters"]["LlmApiKey"]
    assert key["NoEcho"] is True and key["Default"] == ""
    assert "LLM_API_KEY" not in T["Globals"]["Function"]["Environment"]["Variables"]
    with_key = {
        name
        for name, props in tpl.resources(T, "AWS::Serverless::Function").items()
        if props.get("Environment", {}).get("Variables", {}).get("LLM_API_KEY") == {"Ref": "LlmApiKey"}
    }
    assert with_key == MODEL_FUNCTIONS


def test_usage_is_read_only() -> None:
    policies = RES["UsageFunction"]["Properties"]["Policies"]
    assert policies == [{"DynamoDBReadPolicy": {"TableName": {"Ref": "SessionsTable"}}}]


def test_every_function_and_layer_runs_python_3_13_like_the_tests() -> None:
    """Amazon Linux 2023 (python3.13): manylinux_2_28 wheels load there. The tests run the same Python."""
    import sys
    import tomllib

    assert T["Globals"]["Function"]["Runtime"] == "python3.13"
    functions = tpl.resources(T, "AWS::Serverless::Function")
    assert all("Runtime" not in props for props in functions.values())
    for name, layer in RES.items():
        if layer["Type"] == "AWS::Serverless::LayerVersion":
            assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"], name
            # the compiled layers build with infra/layers/Makefile, for the same Python
            assert layer["Metadata"]["BuildMethod"] in ("python3.13", "makefile"), name
    makefile = (tpl.ROOT / "infra/layers/Makefile").read_text()
    assert "RUNTIME_VERSION := 3.13\n" in makefile and "PYTHON ?= python3.13\n" in makefile
    project = tomllib.loads((tpl.ROOT / "pyproject.toml").read_text())
    assert project["project"]["requires-python"] == ">=3.13,<3.14"
    assert sys.version_info[:2] == (3, 13)


def test_snapstart_is_a_parameter_off_by_default_on_the_functions_clients_wait_on() -> None:
    param = T["Parameters"]["EnableSnapStart"]
    assert param["Default"] == "false" and param["AllowedValues"] == ["true", "false"]
    assert T["Conditions"]["SnapStartEnabled"] == {"Fn::Equals": [{"Ref": "EnableSnapStart"}, "true"]}
    glob = T["Globals"]["Function"]
    assert glob["SnapStart"] == {"ApplyOn": {"Fn::If": ["SnapStartEnabled", "PublishedVersions", "None"]}}
    # SAM refuses a conditional AutoPublishAlias: every function is published behind `live`, and replaced
    # versions (with their billed snapshots) are deleted.
    assert glob["AutoPublishAlias"] == "live" and glob["VersionDeletionPolicy"] == "Delete"
    background = {
        "EvaluateWorkerFunction", "CleanupFunction", "WsDisconnectFunction", "WebhookDispatchFunction",
        "WebhookDeliveryFunction",
    }  # fmt: skip
    for name, props in tpl.resources(T, "AWS::Serverless::Function").items():
        assert "AutoPublishAlias" not in props, name
        if name in background:  # nobody waits on them: no snapshot to pay for
            assert props["SnapStart"] == {"ApplyOn": "None"}, name
        else:
            # A version's description cannot change in place: turning SnapStart on or off replaces the
            # versions, and only a newly published version gets (or loses) a snapshot.
            assert "SnapStart" not in props, name
            assert props["VersionDescription"] == {"Fn::Sub": "SnapStart: ${EnableSnapStart}"}, name


def test_the_live_channel_invokes_the_alias() -> None:
    """SAM points the HTTP API, SQS and schedule events at the alias; the WebSocket API is plain
    CloudFormation, so its integrations and permissions name the alias themselves."""
    for fn in ("WsConnectFunction", "WsDefaultFunction", "WsDisconnectFunction"):
        integration = RES[fn.replace("Function", "Integration")]["Properties"]["IntegrationUri"]["Fn::Sub"]
        assert integration[1] == {"Alias": {"Ref": f"{fn}.Alias"}}
        assert "/functions/${Alias}/invocations" in integration[0]
        permission = RES[fn.replace("Function", "Permission")]["Properties"]
        assert permission["FunctionName"] == {"Ref": f"{fn}.Alias"}
    text = (tpl.ROOT / "template.yaml").read_text()
    assert "Function.Arn}" not in text  # nothing invokes a function's unpublished $LATEST


# -- the code_runner function ------------------------------------------------------------------------------

RUNNER = RES["CodeRunnerFunction"]["Properties"]
# The functions that run code (the run endpoint, the evaluation worker, and the two that vet coding
# questions' reference solutions at creation): they invoke the runner, and only they may.
RUN_CODE = {
    "CodeRunFunction",
    "EvaluateWorkerFunction",
    "RecruiterCreateFunction",
    "JobCreateFunction",
    "JobUpdateFunction",  # an edited job's coding questions are vetted again
    "StartInterviewFunction",  # vets a language model's coding questions
    "WsDefaultFunction",  # the live channel's run_code
}


def _effective_environment(props: dict) -> dict:
    return {**T["Globals"]["Function"]["Environment"]["Variables"], **props["Environment"]["Variables"]}


def test_the_code_runner_has_no_policy_no_event_and_no_tracing() -> None:
    # SAM's role then holds AWSLambdaBasicExecutionRole (its logs) and, for the VPC, the ENI permissions of
    # AWSLambdaVPCAccessExecutionRole; "Disabled" keeps the X-Ray policy out (tests/sam checks the role).
    assert "Policies" not in RUNNER and "Role" not in RUNNER and "Events" not in RUNNER
    assert RUNNER["Tracing"] == "Disabled"
    assert "Layers" not in RUNNER  # the core layer only (Globals)


def test_the_code_runners_environment_names_no_resource_and_no_secret() -> None:
    env = _effective_environment(RUNNER)
    assert env["CODE_RUNNER_NETWORK"] == "vpc"
    assert "LLM_API_KEY" not in env and "CODE_RUNNER_FUNCTION" not in env
    telling = {"KEY", "SECRET", "TOKEN", "PASSWORD", "PARAMETER", "TABLE", "BUCKET", "QUEUE", "URL", "ARN"}
    named = {k: v for k, v in env.items() if telling & set(k.split("_")) and v != ""}
    assert {"SESSIONS_TABLE", "LIVEKIT_API_KEY", "OPENAI_API_KEY_PARAMETER"} <= set(env)  # the words match
    assert named == {}, "the code runner must not know these: " + ", ".join(named)


def test_the_code_runner_is_capped_and_timed_out() -> None:
    from interview_core.coding import MAX_TIME_LIMIT_MS, remote

    assert RUNNER["ReservedConcurrentExecutions"] == {
        "Fn::If": ["ReservesCodeRunnerConcurrency", {"Ref": "CodeRunnerConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
    param = T["Parameters"]["CodeRunnerConcurrency"]
    assert param["Type"] == "Number" and param["Default"] == 10 and param["MinValue"] == -1
    assert T["Conditions"]["ReservesCodeRunnerConcurrency"] == {
        "Fn::Not": [
            {
                "Fn::Or": [
                    {"Fn::Equals": [{"Ref": "CodeRunnerConcurrency"}, "-1"]},
                    {"Fn::Equals": [{"Ref": "CodeRunnerConcurrency"}, "0"]},
                ]
            }
        ]
    }
    # the longest run (its limit plus the sandbox's start) fits, and the callers wait longer than it runs
    assert RUNNER["Timeout"] == remote.RUNNER_TIMEOUT_S >= MAX_TIME_LIMIT_MS / 1000 + 2
    assert remote.INVOKE_CONFIG.read_timeout > RUNNER["Timeout"]
    for name in RUN_CODE:
        timeout = RES[name]["Properties"].get("Timeout", T["Globals"]["Function"]["Timeout"])
        assert timeout > RUNNER["Timeout"], name


def test_the_code_runner_sits_in_private_subnets_of_its_own_vpc_with_no_way_out() -> None:
    vpc_config = RUNNER["VpcConfig"]
    subnets = [RES[s["Ref"]] for s in vpc_config["SubnetIds"]]
    assert len(subnets) == 2 and all(s["Type"] == "AWS::EC2::Subnet" for s in subnets)
    assert {s["Properties"]["VpcId"]["Ref"] for s in subnets} == {"CodeRunnerVpc"}
    zones = [s["Properties"]["AvailabilityZone"] for s in subnets]
    assert zones == [{"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {"Fn::Select": [1, {"Fn::GetAZs": ""}]}]
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets)
    vpc = RES["CodeRunnerVpc"]
    assert vpc["Type"] == "AWS::EC2::VPC"
    assert vpc["Properties"]["EnableDnsSupport"] is False  # the VPC's resolver would be a way out
    [group] = [RES[g["Ref"]] for g in vpc_config["SecurityGroupIds"]]
    assert group["Properties"]["VpcId"] == {"Ref": "CodeRunnerVpc"}
    assert "SecurityGroupIngress" not in group["Properties"]
    # one egress rule, to loopback: it replaces EC2's default allow-all and matches nothing leaving the ENI
    assert group["Properties"]["SecurityGroupEgress"] == [
        {
            "IpProtocol": "-1",
            "CidrIp": "127.0.0.1/32",
            "Description": "replaces the default allow-all egress; matches nothing",
        }
    ]
    kinds = {r["Type"] for r in RES.values()}
    no_way_out = {
        "AWS::EC2::InternetGateway",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::Route",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::EC2::VPNGateway",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::VPCCidrBlock",  # no IPv6 either
    }
    assert not kinds & no_way_out, kinds & no_way_out
    assert "0.0.0.0/0" not in (tpl.ROOT / "template.yaml").read_text()


def test_only_the_functions_that_run_code_invoke_the_code_runner_through_its_alias() -> None:
    invoking = {}
    for name, props in tpl.resources(T, "AWS::Serverless::Function").items():
        env = props.get("Environment", {}).get("Variables", {})
        policies = [
            p for p in props.get("Policies", [])
            if isinstance(p, dict) and p.get("LambdaInvokePolicy") == {"FunctionName": {"Ref": "CodeRunnerFunction"}}
        ]  # fmt: skip
        if "CODE_RUNNER_FUNCTION" in env or policies:
            invoking[name] = (env.get("CODE_RUNNER_FUNCTION"), policies)
    expected = (
        {"Ref": "CodeRunnerFunction.Alias"},  # the published version, as every other caller invokes
        [{"LambdaInvokePolicy": {"FunctionName": {"Ref": "CodeRunnerFunction"}}}],  # function:<name>*
    )
    assert invoking == dict.fromkeys(RUN_CODE, expected)
    assert "CODE_RUNNER_FUNCTION" not in T["Globals"]["Function"]["Environment"]["Variables"]
    for name in RUN_CODE:  # they never run code themselves, so nothing says they may
        assert "CODE_RUNNER_NETWORK" not in RES[name]["Properties"]["Environment"]["Variables"], name


def test_webhook_requests_leave_from_a_function_that_can_touch_nothing() -> None:
    """The dispatcher holds the table and the secrets and signs; the delivery function, which alone reaches
    the organisation's URL, has no policy (its logs only), no event and none of the Globals' resources."""
    delivery, dispatch = (
        RES["WebhookDeliveryFunction"]["Properties"],
        RES["WebhookDispatchFunction"]["Properties"],
    )
    assert "Policies" not in delivery and "Events" not in delivery and delivery["Tracing"] == "Disabled"
    assert all(v == "" for k, v in delivery["Environment"]["Variables"].items())
    assert dispatch["Environment"]["Variables"]["WEBHOOK_DELIVERY_FUNCTION"] == {
        "Ref": "WebhookDeliveryFunction.Alias"
    }
    assert {"LambdaInvokePolicy": {"FunctionName": {"Ref": "WebhookDeliveryFunction"}}} in dispatch[
        "Policies"
    ]
    assert dispatch["Layers"] == [{"Ref": "WebhooksLayer"}]
    with_signer = [n for n, p in tpl.resources(T, "AWS::Serverless::Function").items()
                   if {"Ref": "WebhooksLayer"} in p.get("Layers", [])]  # fmt: skip
    assert with_signer == ["WebhookDispatchFunction"]
    queue = RES["WebhookQueue"]["Properties"]
    from interview_core.webhooks.dispatch import MAX_ATTEMPTS, RETRY_DELAYS

    assert queue["RedrivePolicy"]["maxReceiveCount"] == MAX_ATTEMPTS
    assert queue["MessageRetentionPeriod"] > 2 * sum(RETRY_DELAYS)  # retries end long before messages expire
    assert dispatch["Events"]["Deliveries"]["Properties"]["FunctionResponseTypes"] == [
        "ReportBatchItemFailures"
    ]
    alarm = RES["WebhookDeadLettersAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["WebhookDeadLetterQueue", "QueueName"]}
