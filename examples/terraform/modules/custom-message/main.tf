# The CustomMessage trigger from a release zip, with the limits of the Go CDK stack (infra/):
# arm64, 128 MB, 3 s, JSON logs into a log group of its own with a retention, a role that writes
# only there, an invoke permission for one pool of one account, alarms. Wiring the pool is the
# caller's: lambda_config { custom_message = module.<name>.function_arn } on its aws_cognito_user_pool.

locals {
  # The account of the pool, for the permission's source_account (from its ARN: no data source).
  pool_account = split(":", var.user_pool_arn)[4]
  metric_ns    = "CognitoCustomMessage/${var.function_name}"
  alarm_period = 300
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  # Kept on destroy, like the CDK stack's: the log is evidence after the function is gone.
  skip_destroy = true
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# Not the managed AWSLambdaBasicExecutionRole: that one may create any log group and write to all.
resource "aws_iam_role" "this" {
  name_prefix        = substr("${var.function_name}-", 0, 38)
  description        = "cognito-custom-message trigger: writes its own logs, nothing else"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "WriteOwnLogs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = "Cognito CustomMessage trigger: localized email and SMS"
  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  runtime          = "provided.al2023"
  # The bootstrap is linux/arm64: on x86_64 every sign-up fails with an exec format error.
  architectures = ["arm64"]
  handler       = "bootstrap"
  memory_size   = 128
  # Cognito gives a trigger 5 s in all, cold start included.
  timeout = 3
  role    = aws_iam_role.this.arn

  logging_config {
    log_format            = "JSON"
    application_log_level = "INFO"
    system_log_level      = "WARN"
    log_group             = aws_cloudwatch_log_group.this.name
  }

  environment {
    variables = merge(var.environment, {
      APP_NAME       = var.app_name
      DEFAULT_LOCALE = var.default_locale
    })
  }

  lifecycle {
    # The checksum from the release's SHA256SUMS pins the artifact: a different or corrupted zip
    # at zip_path stops the plan instead of being deployed.
    precondition {
      condition     = filesha256(var.zip_path) == lower(var.zip_sha256)
      error_message = "${var.zip_path} does not have the SHA-256 zip_sha256 names: not the release's zip (check it against SHA256SUMS)."
    }
  }

  # The role may write its logs before the first invocation.
  depends_on = [aws_iam_role_policy.logs]
}

# Only this pool, in its account, may invoke the function.
resource "aws_lambda_permission" "cognito" {
  statement_id   = "CognitoInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "cognito-idp.amazonaws.com"
  source_arn     = var.user_pool_arn
  source_account = local.pool_account
}

# The function logs "fallback": "cognito_template" when it leaves a message to Cognito's template.
resource "aws_cloudwatch_log_metric_filter" "cognito_template_fallbacks" {
  name           = "CognitoTemplateFallbacks"
  log_group_name = aws_cloudwatch_log_group.this.name
  pattern        = "{ $.fallback = \"cognito_template\" }"
  metric_transformation {
    namespace     = local.metric_ns
    name          = "CognitoTemplateFallbacks"
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

# The alarms differ only in what they count; each fires on one occurrence in 5 minutes. Their
# addresses are aws_cloudwatch_metric_alarm.this["<key>"].
locals {
  alarms = {
    cognito_template_fallbacks = {
      description = "The CustomMessage trigger left messages to Cognito's own template (see fallback_reason in its log): a broken template, an event without a usable code placeholder, a panic or a deadline too close."
      namespace   = local.metric_ns
      metric      = aws_cloudwatch_log_metric_filter.cognito_template_fallbacks.metric_transformation[0].name
      dimensions  = null # the metric filter's metric has none
    }
    errors = {
      description = "The CustomMessage trigger returned errors or timed out: Cognito fails the user's request."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    # Lambda refuses a throttled invocation before the code runs: neither errors nor fallbacks see it.
    throttles = {
      description = "The CustomMessage trigger was throttled (account or reserved concurrency exhausted): Cognito fails the user's request."
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.function_name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arn == "" ? [] : [var.alarm_topic_arn]
}
