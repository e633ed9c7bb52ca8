# Ditto-LLM — one entry point for building and testing everything.
#   make test    installs what the suites need, then runs lint and every test suite
#   make mock    runs ditto-mock-upstream on 127.0.0.1:9000

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
export CARGO_TERM_COLOR ?= never
export CARGO_INCREMENTAL ?= 0
STAGES := .stage-times

.PHONY: test deps fmt-check clippy test-rust test-examples test-gateway test-python test-node test-go mock fmt clean-stages

# Run a stage and record how long it took.
define stage
	@start=$$(date +%s); echo "==> $(1)"; \
	$(2); \
	echo "$(1): $$(( $$(date +%s) - start ))s" >> $(STAGES)
endef

test: clean-stages
	$(call stage,deps,$(MAKE) --no-print-directory deps)
	$(call stage,fmt,$(MAKE) --no-print-directory fmt-check)
	$(call stage,clippy,$(MAKE) --no-print-directory clippy)
	$(call stage,rust tests,$(MAKE) --no-print-directory test-rust)
	$(call stage,examples,$(MAKE) --no-print-directory test-examples)
	$(call stage,gateway,$(MAKE) --no-print-directory test-gateway)
	$(call stage,python,$(MAKE) --no-print-directory test-python)
	$(call stage,node,$(MAKE) --no-print-directory test-node)
	$(call stage,go,$(MAKE) --no-print-directory test-go)
	@echo "==> stage times"; cat $(STAGES); rm -f $(STAGES)

clean-stages:
	@rm -f $(STAGES)

# The toolchain components the lint stages need (already present on a rustup install; no download
# happens when they are).
deps:
	rustup component add rustfmt clippy >/dev/null 2>&1 || true
	cargo --version
	bash tests/ui-reader/ensure.sh

fmt-check:
	cargo fmt --all -- --check

fmt:
	cargo fmt --all

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

# The Python and Node extension crates link against their host runtime, so their own suites
# (make test-python / test-node) build and test them.
test-rust:
	DITTO_REQUIRE_UI_READER=1 cargo test --workspace --exclude ditto-llm-python --exclude ditto-llm-node

test-examples:
	bash tests/scripts/examples_smoke.sh

# Each suite owns a script that installs what it needs and runs its tests.
test-gateway:
	if [ -f gateway/scripts/test.sh ]; then bash gateway/scripts/test.sh; else echo "gateway: no suite yet"; fi

test-python:
	if [ -f bindings/python/scripts/test.sh ]; then bash bindings/python/scripts/test.sh; else echo "python: no suite yet"; fi

test-node:
	if [ -f bindings/node/scripts/test.sh ]; then bash bindings/node/scripts/test.sh; else echo "node: no suite yet"; fi

test-go:
	if [ -f bindings/go/scripts/test.sh ]; then bash bindings/go/scripts/test.sh; else echo "go: no suite yet"; fi

mock:
	cargo run -p ditto-mock-upstream -- --port 9000
