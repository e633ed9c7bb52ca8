# Ditto-LLM — one entry point for building and testing everything.
#   make test    installs what the suites need, then runs lint and every test suite
#   make mock    runs ditto-mock-upstream on 127.0.0.1:9000

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
export CARGO_TERM_COLOR ?= never
export CARGO_INCREMENTAL ?= 0
STAGES := .stage-times

.PHONY: test deps fmt-check clippy test-rust test-examples mock fmt clean-stages

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
	@echo "==> stage times"; cat $(STAGES); rm -f $(STAGES)

clean-stages:
	@rm -f $(STAGES)

# The toolchain components the lint stages need (already present on a rustup install; no download
# happens when they are).
deps:
	rustup component add rustfmt clippy >/dev/null 2>&1 || true
	cargo --version

fmt-check:
	cargo fmt --all -- --check

fmt:
	cargo fmt --all

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

test-rust:
	cargo test --workspace

test-examples:
	bash tests/scripts/examples_smoke.sh

mock:
	cargo run -p ditto-mock-upstream -- --port 9000
