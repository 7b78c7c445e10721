#!/usr/bin/env bash
# make check-terraform: terraform fmt on examples/terraform, then — with a provider mirror, since
# providers cannot be downloaded offline — init, validate and an offline plan of the example root
# (fake credentials, no AWS call: every resource is new and the data sources are local policy
# documents). jq then checks in the plan what the recipe promises: the Go stack's limits, the
# permission scoped to the pool, the pool's lambda_config naming the module's function; and a
# second plan with a wrong checksum must fail on the module's precondition.
#   TERRAFORM          the terraform binary
#   TF_PLUGIN_MIRROR   a filesystem mirror holding hashicorp/aws; empty: fmt only, said so
set -euo pipefail
cd "$(dirname "$0")/../.."
tf=${TERRAFORM:-terraform}
command -v "$tf" >/dev/null || { echo "check-terraform needs terraform >= 1.5 (https://developer.hashicorp.com/terraform/install; the CI image has it)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Terraform complains when TF_CLI_CONFIG_FILE names a missing file; ours says where providers come from.
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 AWS_EC2_METADATA_DISABLED=true
: >"$TF_CLI_CONFIG_FILE"

echo "terraform fmt -check -recursive examples/terraform"
"$tf" fmt -check -recursive -diff examples/terraform

mirror=${TF_PLUGIN_MIRROR-/opt/tf-plugins}
if [ -z "$mirror" ]; then
  echo "TF_PLUGIN_MIRROR is empty: checked formatting only (no validate, no plan)"
  exit 0
fi
[ -d "$mirror/registry.terraform.io/hashicorp/aws" ] || {
  echo "no hashicorp/aws provider under TF_PLUGIN_MIRROR=$mirror: point it at a filesystem mirror (terraform providers mirror DIR), or set TF_PLUGIN_MIRROR= to check formatting only"
  exit 1
}
printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$mirror" >"$TF_CLI_CONFIG_FILE"

cp -r examples/terraform "$work/root"
cd "$work/root"
# Offline: fake credentials and no account or region look-ups (an override file, merged into the
# example's provider block; the example itself stays as a user writes it).
cat >offline_override.tf <<'TF'
provider "aws" {
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
TF
# A stand-in for the zip: the plan reads its checksum, never its contents.
echo stand-in >cognito-custom-message-v0.0.0-arm64.zip
sum=$(sha256sum cognito-custom-message-v0.0.0-arm64.zip | cut -d' ' -f1)

echo "terraform init -backend=false (providers from $mirror)"
"$tf" init -backend=false -input=false -no-color >init.log || { cat init.log; exit 1; }
echo "terraform validate"
"$tf" validate -no-color
echo "terraform plan (offline)"
"$tf" plan -input=false -no-color -refresh=false -var release_version=v0.0.0 -var zip_sha256="$sum" -out=plan.bin >plan.log ||
  { cat plan.log; exit 1; }
"$tf" show -json plan.bin >plan.json

# Each check prints what it found when it fails.
fail=0
check() { # description, jq expression that must be true
  if [ "$(jq -r "$2" plan.json)" != true ]; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi
}
fn='.planned_values.root_module.child_modules[] | select(.address == "module.custom_message") | .resources[]'
lambda="[$fn | select(.type == \"aws_lambda_function\")][0].values"
check "function: provided.al2023, arm64, bootstrap, 128 MB, 3 s" \
  "$lambda | .runtime == \"provided.al2023\" and .architectures == [\"arm64\"] and .handler == \"bootstrap\" and .memory_size == 128 and .timeout == 3"
check "function: JSON logs into its own log group" \
  "$lambda | .logging_config[0].log_format == \"JSON\" and .logging_config[0].log_group == \"/aws/lambda/acme-custom-message\""
check "function: APP_NAME and DEFAULT_LOCALE" \
  "$lambda | .environment[0].variables == {\"APP_NAME\": \"Acme\", \"DEFAULT_LOCALE\": \"en\"}"
check "log group: 30 days, kept on destroy" \
  "[$fn | select(.type == \"aws_cloudwatch_log_group\")][0].values | .retention_in_days == 30 and .skip_destroy == true"
# The policy document waits for the log group's ARN, so the plan has it as a data source to read.
check "role: may only create log streams and put log events in its log group" \
  "[.resource_changes[] | select(.address == \"module.custom_message.data.aws_iam_policy_document.logs\") | .change.after.statement][0] | length == 1 and (.[0].actions | sort) == [\"logs:CreateLogStream\", \"logs:PutLogEvents\"] and (.[0].resources | length) == 1"
alarms="[$fn | select(.type == \"aws_cloudwatch_metric_alarm\")]"
check "alarms: errors, throttles, fallbacks to Cognito's template, each on its metric" \
  "$alarms | map({index, name: .values.alarm_name, ns: .values.namespace, metric: .values.metric_name, dims: .values.dimensions}) | sort_by(.index) == [
    {index: \"cognito_template_fallbacks\", name: \"acme-custom-message-cognito-template-fallbacks\", ns: \"CognitoCustomMessage/acme-custom-message\", metric: \"CognitoTemplateFallbacks\", dims: null},
    {index: \"errors\", name: \"acme-custom-message-errors\", ns: \"AWS/Lambda\", metric: \"Errors\", dims: {FunctionName: \"acme-custom-message\"}},
    {index: \"throttles\", name: \"acme-custom-message-throttles\", ns: \"AWS/Lambda\", metric: \"Throttles\", dims: {FunctionName: \"acme-custom-message\"}}]"
check "alarms: each fires on one occurrence in 5 minutes, and missing data is not an alarm" \
  "$alarms | length == 3 and all(.[]; .values | .statistic == \"Sum\" and .period == 300 and .evaluation_periods == 1 and .threshold == 1 and .comparison_operator == \"GreaterThanOrEqualToThreshold\" and .treat_missing_data == \"notBreaching\")"
check "alarms: the fallback alarm counts the metric filter's metric" \
  "[$fn | select(.type == \"aws_cloudwatch_log_metric_filter\")][0].values.metric_transformation[0] as \$m | $alarms | map(select(.index == \"cognito_template_fallbacks\"))[0].values | .namespace == \$m.namespace and .metric_name == \$m.name"
mod='.configuration.root_module.module_calls.custom_message'
check "permission: for cognito-idp, scoped to the pool's ARN and account" \
  "([$fn | select(.type == \"aws_lambda_permission\")][0].values.principal == \"cognito-idp.amazonaws.com\") and ($mod.expressions.user_pool_arn.references | index(\"aws_cognito_user_pool.this.arn\") != null) and ($mod.module.resources[] | select(.type == \"aws_lambda_permission\") | .expressions.source_account.references | index(\"local.pool_account\") != null) and ($mod.module.resources[] | select(.type == \"aws_lambda_permission\") | .expressions.source_arn.references | index(\"var.user_pool_arn\") != null)"
check "pool: lambda_config.custom_message is the module's function" \
  ".configuration.root_module.resources[] | select(.address == \"aws_cognito_user_pool.this\") | .expressions.lambda_config[0].custom_message.references | index(\"module.custom_message.function_arn\") != null"

echo "terraform plan with a checksum that is not the zip's must fail"
if "$tf" plan -input=false -no-color -refresh=false -var release_version=v0.0.0 -var zip_sha256="$(printf '0%.0s' {1..64})" >bad.log 2>&1; then
  echo "FAIL: a wrong zip_sha256 planned"; fail=1
elif grep -q 'Resource precondition failed' bad.log && grep -q 'check it against SHA256SUMS' bad.log; then
  echo "ok: a wrong zip_sha256 stops the plan (the module's precondition)"
else
  echo "FAIL: the plan failed, but not on the checksum:"; cat bad.log; fail=1
fi
exit $fail
