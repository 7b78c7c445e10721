# The interface a newcomer uses: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

#? EVENT [invoke]: the Cognito event file invoke sends (any of events/*.json, or your own)
EVENT ?= events/verify-user-attribute-email-de.json
# Configuration the function reads; `make invoke APP_NAME=Acme DEFAULT_LOCALE=de` overrides them.
# "My App" is the one placeholder everywhere (cdk.json, infra, the handler's own default).
#? APP_NAME [invoke demo]: the product name in every message of the default brand
APP_NAME ?= My App
#? DEFAULT_LOCALE [invoke demo]: the locale when nothing in the event matches one
DEFAULT_LOCALE ?= en
export APP_NAME DEFAULT_LOCALE

# Brands (see README): every folder with a brand.json under BRANDS_DIR is compiled in. A folder
# outside the repository works too, and leaves the tracked files as they are: the compiled brands go
# to messages/brands_gen.go, which git ignores and only builds with -tags brands read.
#? BRANDS_DIR [test invoke demo generate golden bench build release synth diff deploy]: the folder of brand folders to compile in
BRANDS_DIR ?= brands
HAVE_BRANDS := $(shell [ -d '$(BRANDS_DIR)' ] && echo yes)
# Only the default folder may be missing: a BRANDS_DIR someone named that is not there (a typo) must
# not build, and deploy, a function without the brands their app clients expect.
ifneq ($(origin BRANDS_DIR),file)
ifneq ($(HAVE_BRANDS),yes)
$(error BRANDS_DIR=$(BRANDS_DIR) is not a folder)
endif
endif
ifeq ($(HAVE_BRANDS),yes)
LAMBDA_TAGS := brands
GEN_FLAGS := -brands '$(BRANDS_DIR)'
TEST_TAGS := -tags brands
# For the tools, tests and the CDK app (cdk.json runs make and infra), which check it again.
export BRANDS_DIR LAMBDA_TAGS
endif
comma := ,
GO_TAGS := lambda.norpc$(if $(LAMBDA_TAGS),$(comma)$(LAMBDA_TAGS))
BUILD_FLAGS := -tags $(GO_TAGS) -trimpath -ldflags "-s -w"
LAMBDA_DIR := build/lambda
PROVIDER_DIR := build/provider
# The custom email and SMS sender (-c delivery=customSender, docs/sender.md).
SENDER_DIR := build/sender
PROVIDER_SOURCES := $(shell find provider internal/poolattach -type f) go.mod go.sum
LOCAL_DIR := build/local
TEMPLATE_FILES := $(shell find templates -type f)
GO_SOURCES := $(shell find handler trigger messages -type f) messages/sets_gen.go go.mod go.sum build/brands.stamp
# Outside CI, `make test` first regenerates messages/sets_gen.go from templates/; in CI the test
# that compares it with the templates catches a generated file somebody forgot to commit.
#? CI [test]: non-empty: test does not regenerate messages/sets_gen.go, it checks that the committed one is current

# Not ./...: npm's node_modules holds Go template files that are not part of this module.
PKGS := ./handler/... ./sender/... ./delivery/... ./trigger/... ./messages/... ./templates/... ./infra/... ./provider/... ./internal/... ./tools/...

.PHONY: help
help: ## list the targets, the variables each takes, and their defaults
	@awk -f tools/makehelp/help.awk $(MAKEFILE_LIST)

# `make invoke` and `make event`: SOURCE (one of the 7 trigger sources), LOCALE, CLIENT_ID and MEDIUM
# (email or sms) build an event from the shipped sample of that source; `make invoke` sends it
# instead of EVENT. FORMAT=json prints the raw reply; OUT is the file `make event` writes (- for stdout).
#? SOURCE [invoke event]: a trigger source (SignUp, ForgotPassword, …): build the event from the shipped sample of that source
SOURCE ?=
#? LOCALE [invoke event]: clientMetadata.locale of the built event (the locale attribute for Authentication)
LOCALE ?=
#? CLIENT_ID [invoke event]: callerContext.clientId of the built event (an app client ID; maps brands)
CLIENT_ID ?=
#? MEDIUM [invoke event]: email or sms: which channel the built event marks verified
MEDIUM ?=
#? FORMAT [invoke]: text (subject, SMS, the email as text, the HTML in build/invoke/) or json (the raw reply)
FORMAT ?= text
#? OUT [event]: the file make event writes (- for stdout; default build/events/<name>.json)
OUT ?=
EVENT_SPEC = -source '$(SOURCE)' -locale '$(LOCALE)' -client-id '$(CLIENT_ID)' -medium '$(MEDIUM)'
# EVENT is passed along with an event spec only when someone set it, so that the tool can say that
# the two exclude each other instead of silently preferring one.
INVOKE_EVENT = $(if $(SOURCE)$(LOCALE)$(CLIENT_ID)$(MEDIUM),$(EVENT_SPEC)$(if $(filter file,$(origin EVENT)),, -event '$(EVENT)'),-event '$(EVENT)')

# Custom sender events (EVENT=events/sender/…, SOURCE=CustomEmailSender_… or CustomSMSSender_…) run
# the sender's bootstrap against local-kms and aws-ses-v2-local instead (tools/invoke/sender.go).
INVOKE_SENDER := $(if $(findstring events/sender/,$(EVENT))$(findstring CustomEmailSender,$(SOURCE))$(findstring CustomSMSSender,$(SOURCE)),yes)

.PHONY: invoke
invoke: $(if $(INVOKE_SENDER),$(LOCAL_DIR)/sender/bootstrap node_modules/.package-lock.json,$(LOCAL_DIR)/bootstrap) ## run the function on EVENT (or SOURCE= LOCALE= CLIENT_ID= MEDIUM=) under the Lambda Runtime Interface Emulator; FORMAT=json for the raw reply; sender events (events/sender/, SOURCE=CustomEmailSender_SignUp) against local KMS and SES emulators
	@go run ./tools/invoke -bootstrap $(LOCAL_DIR)/bootstrap -sender-bootstrap $(LOCAL_DIR)/sender/bootstrap $(INVOKE_EVENT) -format '$(FORMAT)'

.PHONY: event
event: ## write an event built from events/: SOURCE=ForgotPassword LOCALE=nl CLIENT_ID=… MEDIUM=email|sms [OUT=file, - for stdout]
	@go run ./tools/invoke -make-event $(EVENT_SPEC) -o '$(OUT)'

# make test runs in stages (modules, generate, lint, unit, infra), each announced and timed; the CDK
# stack tests are their own stage because their first compile alone takes about a minute.
INFRA_PKGS := ./infra/...
UNIT_PKGS := $(filter-out $(INFRA_PKGS),$(PKGS))

.PHONY: test
test: ## run every offline test in timed stages: modules, generate, lint, unit (golden, catalog, runtime emulator, BRANDS_DIR's brands), infra (CDK stack)
	@MAKE='$(MAKE)' TEST_TAGS='$(TEST_TAGS)' UNIT_PKGS='$(UNIT_PKGS)' INFRA_PKGS='$(INFRA_PKGS)' \
	  GENERATE='$(if $(CI),,yes)' BRANDS_STAMP=build/brands.stamp bash tools/testrun/run.sh

# checks is make test's last stage: the tools that check what is not Go (workflows, licenses,
# templates for other deployment tools). Each check is its own target, appended to CHECKS where it is
# defined.
CHECKS :=

.PHONY: lint
lint: ## gofmt and go vet
	@bad=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*' -not -path './examples/*/node_modules/*' -not -path './cdk.out/*')); \
	  if [ -n "$$bad" ]; then echo "gofmt would change: $$bad"; exit 1; fi
	go vet $(TEST_TAGS) $(PKGS)
	go vet -tags e2e ./e2e/

.PHONY: e2e
e2e: node_modules/.package-lock.json ## end to end: AWS CLI -> cognito-local -> our bootstrap (with examples/brands) under the emulator
	@command -v aws >/dev/null || { echo "e2e needs the AWS CLI (apt-get install awscli)"; exit 1; }
	go run ./tools/genmessages -brands examples/brands
	BRANDS_DIR=examples/brands LAMBDA_TAGS=brands go test -tags e2e -count=1 -v ./e2e/ 2>&1 | grep -vE '^\s*(=== (RUN|PAUSE|CONT)|--- PASS: .*/)' ; exit $${PIPESTATUS[0]}

.PHONY: demo
demo: node_modules/.package-lock.json $(LOCAL_DIR)/bootstrap ## see it work: a local pool sends a German verification email
	@command -v aws >/dev/null || { echo "demo needs the AWS CLI (apt-get install awscli)"; exit 1; }
	go run ./tools/demo -bootstrap $(LOCAL_DIR)/bootstrap

#? POOL: the existing user pool's ID, e.g. eu-central-1_AbCdEf123 (required by attach-plan)
#? ATTACH_PLAN_ARGS: more flags of attach-plan: -replace -allow-managed -all -function ARN
.PHONY: attach-plan
attach-plan: ## read-only: what -c userPoolId=POOL would change in that pool (AWS credentials); ATTACH_PLAN_ARGS='-replace -allow-managed -all -function ARN'
	@test -n "$(POOL)" || { echo "usage: make attach-plan POOL=eu-central-1_AbCdEf123 [ATTACH_PLAN_ARGS='-replace -all']"; exit 2; }
	go run ./tools/attachplan -pool $(POOL) $(ATTACH_PLAN_ARGS)

.PHONY: lint-templates
lint-templates: ## report on templates/ and BRANDS_DIR's brands: files, parse errors, placeholders, limits, characters, wording rules, SMS segments with APP_NAME, untranslated copies of DEFAULT_LOCALE; brand findings name the brand's files
	go run ./tools/linttemplates -dir templates -app-name "$(APP_NAME)" -default-locale '$(DEFAULT_LOCALE)' -brands '$(BRANDS_DIR)'

# Root installs directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

#? LOCALES: preview only these locales, comma-separated (de,ar)
#? BRANDS: preview only these brands of BRANDS_DIR, comma-separated (acme)
.PHONY: preview
preview: ## every locale x source as HTML and PNG, with a gallery, in build/preview/ (and per brand of BRANDS_DIR; installs Chromium if needed); LOCALES=de,ar BRANDS=acme for a subset
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi droid || { \
	  echo "installing Debian's chromium and a CJK font (fonts-droid-fallback)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-droid-fallback >/dev/null; }
	go run ./tools/preview -templates templates -out build/preview -brands '$(BRANDS_DIR)' -locales '$(LOCALES)' -only-brands '$(BRANDS)'

.PHONY: generate
generate: ## compile templates/ into messages/sets_gen.go, and BRANDS_DIR's brands into messages/brands_gen.go (build, invoke, golden and test do it too)
	go run ./tools/genmessages $(GEN_FLAGS)

messages/sets_gen.go: $(TEMPLATE_FILES) $(wildcard tools/genmessages/*.go)
	go run ./tools/genmessages

# Which brands are compiled in: regenerated on every run (a brands folder may change or move without
# make seeing it), and touched only when the result changes, so the bootstraps rebuild only then.
build/brands.stamp: FORCE messages/sets_gen.go
	@mkdir -p build
	@go run ./tools/genmessages $(GEN_FLAGS) -stamp $@

.PHONY: FORCE
FORCE:

.PHONY: golden
golden: messages/sets_gen.go build/brands.stamp ## rewrite trigger/testdata/golden (replies, plain texts), messages/testdata/golden-text and delivery/testdata/golden (the account-takeover mail) after a deliberate template change
	go test ./trigger -run TestGolden -update
	go test ./templates -run TestTextGolden -update
	go test -short ./delivery -run TestATOGolden -update

.PHONY: bench
bench: messages/sets_gen.go build/brands.stamp ## warm-path benchmarks, one per trigger source (targets: <= 20 µs/op, <= 60 allocs/op)
	go test $(TEST_TAGS) ./trigger -run '^$$' -bench . -benchmem -count 1

#? FUZZTIME: how long fuzz runs each fuzz test (a Go duration)
FUZZTIME ?= 30s
.PHONY: fuzz
fuzz: ## fuzz the event path, the locale matcher, the sanitizer and the name filter, FUZZTIME each (crashers land in testdata/fuzz)
	go test ./trigger -run '^$$' -fuzz '^FuzzInvoke$$' -fuzztime $(FUZZTIME)
	go test ./trigger -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZTIME)
	go test ./messages -run '^$$' -fuzz '^FuzzSanitize$$' -fuzztime $(FUZZTIME)
	go test ./messages -run '^$$' -fuzz '^FuzzPersonName$$' -fuzztime $(FUZZTIME)

.PHONY: generate-unicode
generate-unicode: ## rebuild messages/names_gen.go (the name filter's table) from the Unicode data (apt-get install unicode-data)
	go run ./tools/genunicode

#? MUTATE_WORKERS: parallel gremlins workers of mutate
MUTATE_WORKERS ?= 2
#? MUTATE_PKGS [mutate]: the packages mutate tests (default messages/ and trigger/)
#? MUTATE_THRESHOLD [mutate]: mutate fails below this efficacy percentage (e.g. 90)
.PHONY: mutate
mutate: messages/sets_gen.go ## mutation testing (gremlins) of messages/ and trigger/; MUTATE_PKGS, MUTATE_WORKERS, MUTATE_THRESHOLD=90 to fail below it
	MUTATE_WORKERS=$(MUTATE_WORKERS) bash tools/mutate/run.sh

.PHONY: coldstart
coldstart: messages/sets_gen.go build/brands.stamp ## cold start vs a bare aws-lambda-go bootstrap (interleaved rounds) and arm64 sizes
	go run ./tools/coldstart -rounds 41

# The custom sender's cold start (tools/coldstartsender): ./sender vs a minimal Go sender (floor) and a
# Node.js sender like AWS's sample, each decrypting one code through local-kms and sending one mail to
# aws-ses-v2-local; targets <= 1.2x the floor, >= 5x faster than Node.js.
.PHONY: coldstart-sender
coldstart-sender: node_modules/.package-lock.json messages/sets_gen.go build/brands.stamp ## sender cold start incl. one KMS decrypt + one SES send (local emulators) vs a Go floor and a Node.js sender (interleaved rounds)
	go run ./tools/coldstartsender -rounds 31

.PHONY: soak
soak: messages/sets_gen.go build/brands.stamp ## 10,000 invocations in one process: resident memory and growth
	go run ./tools/soak -n 10000

.PHONY: build
build: $(LAMBDA_DIR)/bootstrap $(PROVIDER_DIR)/bootstrap $(SENDER_DIR)/bootstrap ## the deployable bootstraps for linux/arm64: build/lambda/ (the trigger), build/provider/, build/sender/ (the custom sender)
	@ls -l $(LAMBDA_DIR)/bootstrap $(PROVIDER_DIR)/bootstrap $(SENDER_DIR)/bootstrap | awk '{print $$9 ": " $$5 " bytes"}'

$(LAMBDA_DIR)/bootstrap: $(GO_SOURCES)
	@mkdir -p $(LAMBDA_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(BUILD_FLAGS) -o $@ ./handler

# The custom-resource provider of the existing-pool mode (-c userPoolId=...).
$(PROVIDER_DIR)/bootstrap: $(PROVIDER_SOURCES)
	@mkdir -p $(PROVIDER_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(BUILD_FLAGS) -o $@ ./provider

# The custom sender (-c delivery=customSender, docs/sender.md): a second entry point, so that the
# CustomMessage bootstrap does not carry the AWS SDK and the Encryption SDK.
$(SENDER_DIR)/bootstrap: $(GO_SOURCES) $(shell find sender delivery -type f)
	@mkdir -p $(SENDER_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(BUILD_FLAGS) -o $@ ./sender

$(LOCAL_DIR)/sender/bootstrap: $(GO_SOURCES) $(shell find sender delivery -type f)
	@mkdir -p $(LOCAL_DIR)/sender
	CGO_ENABLED=0 go build $(BUILD_FLAGS) -o $@ ./sender

$(LOCAL_DIR)/bootstrap: $(GO_SOURCES)
	@mkdir -p $(LOCAL_DIR)
	CGO_ENABLED=0 go build $(BUILD_FLAGS) -o $@ ./handler

# The release zips (docs/release.md): the same tags as build (BRANDS_DIR's brands), both
# architectures, reproducible; tools/release refuses a VERSION that is not vX.Y.Z.
#? VERSION [release]: the release version, vX.Y.Z (semantic versioning), e.g. v1.2.3
VERSION ?=
.PHONY: release
release: messages/sets_gen.go build/brands.stamp ## write dist/: the Lambda zips (arm64, x86_64) of every function, their Go module lists, SHA256SUMS; VERSION=vX.Y.Z [BRANDS_DIR=…]
	go run ./tools/release -version '$(VERSION)' -tags '$(GO_TAGS)' -out dist
	cd dist && sha256sum --quiet -c SHA256SUMS

# Every Go library in the shipped binaries and every npm package of package-lock.json and of the
# recipes' lock files (examples/cdk-typescript, examples/amplify: what their users install) has a
# license of tools/licenses' allow-list, and docs/licenses.md lists them as they are now.
.PHONY: licenses
licenses: ## check the dependencies' licenses against the allow-list, and that docs/licenses.md is current
	@go run ./tools/licenses
CHECKS += licenses

.PHONY: licenses-doc
licenses-doc: ## rewrite docs/licenses.md after a dependency change
	go run ./tools/licenses -write

# The GitHub workflows (ci.yml: .ci/run on push and pull request; release.yml: make release on a
# version tag) checked by actionlint, a go.mod tool: syntax, expressions, action inputs, script
# injection (and their shell scripts with shellcheck when it is installed).
.PHONY: actionlint
actionlint: ## lint .github/workflows/ with actionlint
	go tool actionlint
CHECKS += actionlint

# ---- CDK (infra/) -------------------------------------------------------------------------------
# diff, deploy and destroy first check that the AWS SDK finds credentials: without them the CLI
# fails later, after building, with its own (and the SDK's instance-metadata) noise.
.PHONY: aws-credentials
aws-credentials:
	@go run ./tools/attachplan -check-credentials -cdk-args '$(CDK_ARGS)'
#? CDK_ARGS: arguments for the cdk CLI, e.g. "-c appName=Acme -c stage=prod" (see cdk.json for the keys)
CDK := npx --no-install cdk
CDK_FLAGS := --no-notices
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

.PHONY: lambda-asset
lambda-asset: $(LAMBDA_DIR)/bootstrap $(PROVIDER_DIR)/bootstrap $(SENDER_DIR)/bootstrap

# A production stage (prod, or one in productionStages) needs an SES sender and an alarm topic:
#   make synth CDK_ARGS="-c stage=prod -c sesFromEmail=no-reply@acme.example -c alarmTopicArn=arn:aws:sns:eu-west-1:123456789012:ops-alerts"
#   make synth CDK_ARGS="-c stage=prod -c allowUnsafeProd=true"   # anyway; prints what it waives
.PHONY: synth
synth: node_modules/.package-lock.json lambda-asset ## synthesize the stack into cdk.out/ (offline) and run cdk-nag
	AWS_EC2_METADATA_DISABLED=true $(CDK) synth $(CDK_FLAGS) --quiet $(CDK_ARGS)
	@ls cdk.out/*.template.json

.PHONY: diff
diff: aws-credentials node_modules/.package-lock.json lambda-asset ## compare the stack with what is deployed (needs AWS credentials)
	$(CDK) diff $(CDK_FLAGS) $(CDK_ARGS)

.PHONY: deploy
deploy: aws-credentials node_modules/.package-lock.json lambda-asset ## deploy the stack (needs AWS credentials; `cdk bootstrap` once per account/region)
	$(CDK) deploy $(CDK_FLAGS) $(CDK_ARGS)

.PHONY: destroy
destroy: aws-credentials node_modules/.package-lock.json ## delete the stack (the user pool and log group are retained)
	$(CDK) destroy $(CDK_FLAGS) $(CDK_ARGS)

# ---- Recipes for other deployment tools (examples/, docs/integrations.md) -------------------------
# cfn-lint (v1; its SAM translator expands AWS::Serverless first) checks templates against
# CloudFormation's resource schemas: types, properties, allowed values, references, conditions.
# Informational rules too (--include-checks I): every finding, whatever its level, fails the check.
CFN_LINT := cfn-lint
NEED_CFN_LINT = @command -v $(CFN_LINT) >/dev/null || { echo "$@ needs cfn-lint v1 (pip install cfn-lint; the CI image has it)"; exit 1; }

.PHONY: check-sam
check-sam: ## cfn-lint the SAM and CloudFormation recipes in examples/sam/ (no errors, warnings or notes)
	$(NEED_CFN_LINT)
	$(CFN_LINT) --include-checks I -- examples/sam/*.yaml
CHECKS += check-sam

# The synthesized stack, linted: the stale templates of an earlier synth (another stage) go first.
# W3005 ("dependency already enforced by a GetAtt") is ignored: CDK itself writes
# DependsOn: [<Fn>RoleDefaultPolicy, <Fn>Role] on each Function whose Role is Fn::GetAtt of that
# role (so the policy exists before the function); the role entry is redundant, harmless, and
# CDK's output, not ours. Nothing else is ignored.
CFN_LINT_SYNTH_IGNORE := W3005
.PHONY: cfn-lint-synth
cfn-lint-synth: ## make synth (same CDK_ARGS, BRANDS_DIR), then cfn-lint its templates in cdk.out/
	$(NEED_CFN_LINT)
	@rm -f cdk.out/*.template.json
	@$(MAKE) --no-print-directory synth
	$(CFN_LINT) --include-checks I --ignore-checks $(CFN_LINT_SYNTH_IGNORE) -- cdk.out/*.template.json

# Terraform: fmt always; with a provider mirror (TF_PLUGIN_MIRROR, the machine image has one in
# /opt/tf-plugins) also init, validate and an offline plan of the example, whose values
# tools/tfcheck/run.sh checks. TF_PLUGIN_MIRROR= (empty) checks formatting only, and says so.
#? TF_PLUGIN_MIRROR [check-terraform]: a Terraform filesystem mirror holding hashicorp/aws (empty: fmt only)
TF_PLUGIN_MIRROR ?= /opt/tf-plugins
#? TERRAFORM [check-terraform]: the terraform binary (>= 1.5)
TERRAFORM ?= terraform
.PHONY: check-terraform
check-terraform: ## terraform fmt -check on examples/terraform; with TF_PLUGIN_MIRROR also validate and an offline plan, checked
	@TERRAFORM='$(TERRAFORM)' TF_PLUGIN_MIRROR='$(TF_PLUGIN_MIRROR)' bash tools/tfcheck/run.sh
CHECKS += check-terraform

.PHONY: clean
clean: ## remove build output
	rm -rf build cdk.out

# ---- Recipes in TypeScript (examples/cdk-typescript, examples/amplify) --------------------------
# Each example pins its own packages; npm ci runs again only when its lock file is newer than the
# install. A stand-in zip (test/dummy-zip.ts) takes the release zip's place: what is checked is the
# synthesized template, not the bootstrap.
examples/%/node_modules/.package-lock.json: examples/%/package.json examples/%/package-lock.json
	cd examples/$* && npm ci --no-audit --no-fund --loglevel=error

.PHONY: check-cdk-ts
check-cdk-ts: examples/cdk-typescript/node_modules/.package-lock.json ## the CDK TypeScript recipe: tsc, its assertions test, and `cdk synth` offline
	cd examples/cdk-typescript && npm test --silent
	cd examples/cdk-typescript && node dist/test/dummy-zip.js dist/stand-in-arm64.zip && \
	  AWS_EC2_METADATA_DISABLED=true npx --no-install cdk synth --no-notices --quiet -o dist/cdk.out -c zip=dist/stand-in-arm64.zip
CHECKS += check-cdk-ts

.PHONY: check-amplify
check-amplify: examples/amplify/node_modules/.package-lock.json ## the Amplify Gen 2 recipe: tsc --noEmit against @aws-amplify/backend, and its backend synthesized with assertions
	cd examples/amplify && npm run --silent typecheck && npm test --silent
CHECKS += check-amplify

# Last, so that it sees every CHECKS += above (prerequisites expand when the rule is read).
.PHONY: checks
checks: $(CHECKS) ## make test's last stage: every check in CHECKS (workflows, licenses, recipes for other tools)
	@echo "    checked: $(or $(CHECKS),nothing yet)"
