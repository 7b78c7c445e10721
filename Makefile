# The interface a newcomer uses: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

EVENT ?= events/verify-user-attribute-email-de.json
# Configuration the function reads; `make invoke APP_NAME=Acme DEFAULT_LOCALE=de` overrides them.
APP_NAME ?= Example
DEFAULT_LOCALE ?= en
export APP_NAME DEFAULT_LOCALE

BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"
LAMBDA_DIR := build/lambda
PROVIDER_DIR := build/provider
PROVIDER_SOURCES := $(shell find provider internal/poolattach -type f) go.mod go.sum
LOCAL_DIR := build/local
TEMPLATE_FILES := $(shell find templates -type f)
GO_SOURCES := $(shell find handler messages -type f) messages/sets_gen.go go.mod go.sum
# Outside CI, `make test` first regenerates messages/sets_gen.go from templates/; in CI the test
# that compares it with the templates catches a generated file somebody forgot to commit.
ifeq ($(CI),)
TEST_PREREQ := messages/sets_gen.go
endif
# Not ./...: npm's node_modules holds Go template files that are not part of this module.
PKGS := ./handler/... ./messages/... ./templates/... ./infra/... ./provider/... ./internal/... ./tools/...

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: invoke
invoke: $(LOCAL_DIR)/bootstrap ## run the function on EVENT under the Lambda Runtime Interface Emulator
	go run ./tools/invoke -bootstrap $(LOCAL_DIR)/bootstrap -event $(EVENT)

.PHONY: test
test: $(TEST_PREREQ) lint ## run every offline test: unit, golden, catalog, runtime emulator, CDK stack
	go test -count=1 $(PKGS)

.PHONY: lint
lint: ## gofmt and go vet
	@bad=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*' -not -path './cdk.out/*')); \
	  if [ -n "$$bad" ]; then echo "gofmt would change: $$bad"; exit 1; fi
	go vet $(PKGS)
	go vet -tags e2e ./e2e/

.PHONY: e2e
e2e: node_modules/.package-lock.json ## end to end: AWS CLI -> cognito-local -> our bootstrap under the emulator
	@command -v aws >/dev/null || { echo "e2e needs the AWS CLI (apt-get install awscli)"; exit 1; }
	go test -tags e2e -count=1 -v ./e2e/ 2>&1 | grep -vE '^\s*(=== (RUN|PAUSE|CONT)|--- PASS: .*/)' ; exit $${PIPESTATUS[0]}

.PHONY: demo
demo: node_modules/.package-lock.json $(LOCAL_DIR)/bootstrap ## see it work: a local pool sends a German verification email
	@command -v aws >/dev/null || { echo "demo needs the AWS CLI (apt-get install awscli)"; exit 1; }
	go run ./tools/demo -bootstrap $(LOCAL_DIR)/bootstrap

.PHONY: attach-plan
attach-plan: ## read-only: what -c userPoolId=POOL would change in that pool (AWS credentials); ATTACH_PLAN_ARGS='-replace -allow-managed -all -function ARN'
	@test -n "$(POOL)" || { echo "usage: make attach-plan POOL=eu-central-1_AbCdEf123 [ATTACH_PLAN_ARGS='-replace -all']"; exit 2; }
	go run ./tools/attachplan -pool $(POOL) $(ATTACH_PLAN_ARGS)

.PHONY: lint-templates
lint-templates: ## report on templates/: missing files, parse errors, placeholders, limits, characters, SMS segments
	go run ./tools/linttemplates -dir templates

# Root installs directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: preview
preview: ## every locale x source as HTML and PNG, with a gallery, in build/preview/ (installs Chromium if needed)
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi droid || { \
	  echo "installing Debian's chromium and a CJK font (fonts-droid-fallback)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-droid-fallback >/dev/null; }
	go run ./tools/preview -templates templates -out build/preview

.PHONY: generate
generate: ## compile templates/ into messages/sets_gen.go (build, invoke, golden and test do it too)
	go run ./tools/genmessages

messages/sets_gen.go: $(TEMPLATE_FILES) $(wildcard tools/genmessages/*.go)
	go run ./tools/genmessages

.PHONY: golden
golden: messages/sets_gen.go ## rewrite handler/testdata/golden after a deliberate template change
	go test ./handler -run TestGolden -update

.PHONY: bench
bench: messages/sets_gen.go ## warm-path benchmarks, one per trigger source (targets: <= 20 µs/op, <= 60 allocs/op)
	go test ./handler -run '^$$' -bench . -benchmem -count 1

FUZZTIME ?= 30s
.PHONY: fuzz
fuzz: ## fuzz the event path, the locale matcher and the sanitizer, FUZZTIME each (crashers land in testdata/fuzz)
	go test ./handler -run '^$$' -fuzz '^FuzzInvoke$$' -fuzztime $(FUZZTIME)
	go test ./handler -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZTIME)
	go test ./messages -run '^$$' -fuzz '^FuzzSanitize$$' -fuzztime $(FUZZTIME)

.PHONY: coldstart
coldstart: messages/sets_gen.go ## cold start vs a bare aws-lambda-go bootstrap (interleaved rounds) and arm64 sizes
	go run ./tools/coldstart -rounds 41

.PHONY: soak
soak: messages/sets_gen.go ## 10,000 invocations in one process: resident memory and growth
	go run ./tools/soak -n 10000

.PHONY: build
build: $(LAMBDA_DIR)/bootstrap $(PROVIDER_DIR)/bootstrap ## the deployable bootstraps for linux/arm64: build/lambda/ (the trigger), build/provider/
	@ls -l $(LAMBDA_DIR)/bootstrap $(PROVIDER_DIR)/bootstrap | awk '{print $$9 ": " $$5 " bytes"}'

$(LAMBDA_DIR)/bootstrap: $(GO_SOURCES)
	@mkdir -p $(LAMBDA_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(BUILD_FLAGS) -o $@ ./handler

# The custom-resource provider of the existing-pool mode (-c userPoolId=...).
$(PROVIDER_DIR)/bootstrap: $(PROVIDER_SOURCES)
	@mkdir -p $(PROVIDER_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(BUILD_FLAGS) -o $@ ./provider

$(LOCAL_DIR)/bootstrap: $(GO_SOURCES)
	@mkdir -p $(LOCAL_DIR)
	CGO_ENABLED=0 go build $(BUILD_FLAGS) -o $@ ./handler

# ---- CDK (infra/) -------------------------------------------------------------------------------
CDK := npx --no-install cdk
CDK_FLAGS := --no-notices
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

.PHONY: lambda-asset
lambda-asset: $(LAMBDA_DIR)/bootstrap $(PROVIDER_DIR)/bootstrap

.PHONY: synth
synth: node_modules/.package-lock.json lambda-asset ## synthesize the stack into cdk.out/ (offline) and run cdk-nag
	AWS_EC2_METADATA_DISABLED=true $(CDK) synth $(CDK_FLAGS) --quiet $(CDK_ARGS)
	@ls cdk.out/*.template.json

.PHONY: diff
diff: node_modules/.package-lock.json lambda-asset ## compare the stack with what is deployed (needs AWS credentials)
	$(CDK) diff $(CDK_FLAGS) $(CDK_ARGS)

.PHONY: deploy
deploy: node_modules/.package-lock.json lambda-asset ## deploy the stack (needs AWS credentials; `cdk bootstrap` once per account/region)
	$(CDK) deploy $(CDK_FLAGS) $(CDK_ARGS)

.PHONY: destroy
destroy: node_modules/.package-lock.json ## delete the stack (the user pool and log group are retained)
	$(CDK) destroy $(CDK_FLAGS) $(CDK_ARGS)

.PHONY: clean
clean: ## remove build output
	rm -rf build cdk.out
