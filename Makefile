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
LOCAL_DIR := build/local
GO_SOURCES := $(shell find handler templates -type f) go.mod go.sum

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: invoke
invoke: $(LOCAL_DIR)/bootstrap ## run the function on EVENT under the Lambda Runtime Interface Emulator
	go run ./tools/invoke -bootstrap $(LOCAL_DIR)/bootstrap -event $(EVENT)

.PHONY: test
test: lint ## run every offline test: unit, golden, catalog, runtime emulator
	go test -count=1 ./...

.PHONY: lint
lint: ## gofmt and go vet
	@bad=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*' -not -path './cdk.out/*')); \
	  if [ -n "$$bad" ]; then echo "gofmt would change: $$bad"; exit 1; fi
	go vet ./...

.PHONY: golden
golden: ## rewrite handler/testdata/golden after a deliberate template change
	go test ./handler -run TestGolden -update

.PHONY: bench
bench: ## warm-path benchmarks, one per trigger source
	go test ./handler -run '^$$' -bench . -benchmem -count 1

.PHONY: build
build: $(LAMBDA_DIR)/bootstrap ## the deployable bootstrap for linux/arm64 in build/lambda/
	@ls -l $(LAMBDA_DIR)/bootstrap | awk '{print "bootstrap: " $$5 " bytes"}'

$(LAMBDA_DIR)/bootstrap: $(GO_SOURCES)
	@mkdir -p $(LAMBDA_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(BUILD_FLAGS) -o $@ ./handler

$(LOCAL_DIR)/bootstrap: $(GO_SOURCES)
	@mkdir -p $(LOCAL_DIR)
	CGO_ENABLED=0 go build $(BUILD_FLAGS) -o $@ ./handler

.PHONY: clean
clean: ## remove build output
	rm -rf build cdk.out
