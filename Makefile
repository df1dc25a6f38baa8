# Agora: `make up` runs the platform locally, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

DEPLOY := deploy/local
# Compile jobs; each Beast translation unit needs about 0.7 GB of compiler memory.
JOBS ?= 2
# One program for `make logs`, e.g. `make logs S=auth`.
S ?=

.PHONY: help up down status logs install install-test-tools build test bench backup restore clean reset format
.PHONY: swarm-up swarm-status swarm-down swarm-logs swarm-test

help: ## List the targets
	@echo "Agora — make <target>:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-18s %s\n", $$1, $$2 }'
	@echo "Variables: JOBS=$(JOBS) (compile jobs), S=<program> (make logs), AGORA_HOME (default .agora)"

up: ## Install what is missing, build the services, start everything, print the URLs
	@JOBS=$(JOBS) $(DEPLOY)/up.sh

down: ## Stop every program and supervisord (data is kept)
	@$(DEPLOY)/down.sh

status: ## Show what runs and whether each program answers
	@$(DEPLOY)/status.sh

logs: ## Follow all logs (S=auth for one program)
	@$(DEPLOY)/logs.sh $(S)

install: ## Install the Debian packages and Go-built tools (quick when nothing is missing)
	@$(DEPLOY)/install.sh

install-test-tools: ## Install, plus the tools of the tests and benchmarks (npm, PyPI)
	@$(DEPLOY)/install.sh --test

build: ## Release build into build/release
	@echo "==> Configuring build/release"
	@cmake --preset release >/dev/null
	@echo "==> Building (release, $(JOBS) jobs)"
	@cmake --build --preset release --parallel $(JOBS)

test: install-test-tools ## Debug build with sanitizers, unit and integration tests, then the end-to-end suite
	@echo "==> Configuring build/debug"
	@cmake --preset debug >/dev/null
	@echo "==> Building (debug with AddressSanitizer and UBSan, $(JOBS) jobs)"
	@cmake --build --preset debug --parallel $(JOBS)
	@echo "==> Unit and integration tests"
	@ctest --preset debug -j$(JOBS) --output-on-failure
	@if [[ -x tests/e2e/run.sh ]]; then \
		echo "==> End-to-end tests"; tests/e2e/run.sh; \
	else \
		echo "==> No end-to-end suite yet (tests/e2e/run.sh)"; \
	fi

bench: install-test-tools ## Run the load scenarios (bench/run.sh) and write docs/benchmarks.md (not part of test)
	@JOBS=$(JOBS) bench/run.sh

swarm-up: ## Docker Swarm: install Docker, build the images, deploy the stack, print the URLs
	@JOBS=$(JOBS) deploy/swarm/up.sh

swarm-status: ## Docker Swarm: every service with its tasks and their health
	@deploy/swarm/status.sh

swarm-down: ## Docker Swarm: remove the stack (volumes are kept)
	@deploy/swarm/down.sh

swarm-test: install-test-tools ## Docker Swarm: deploy a test stack, run the end-to-end and resilience tests, remove it
	@JOBS=$(JOBS) tests/swarm/run.sh

swarm-logs: ## Docker Swarm: follow one service's logs, e.g. make swarm-logs S=order
	@[[ -n "$(S)" ]] || { echo "name a service: make swarm-logs S=order"; exit 1; }
	@/usr/bin/docker service logs --follow --tail 50 agora_$(S)

clean: ## Remove the debug and release builds (the platform's data stays)
	rm -rf build/debug build/release

backup: ## Dump every service's database into .agora/backups/<time>/ (TO=folder to choose)
	@$(DEPLOY)/backup.sh $(TO)

restore: ## Put the databases back from the newest backup (FROM=folder to choose); services restart
	@$(DEPLOY)/restore.sh $(FROM)

reset: ## Stop the platform and delete its data (databases, queues, mail); keeps tools and secrets
	@$(DEPLOY)/down.sh
	@source $(DEPLOY)/platform.sh && echo "==> Deleting $$AGORA_DATA" && rm -rf "$$AGORA_DATA"

format: ## Format the C++ sources with clang-format
	@command -v clang-format >/dev/null || { echo "clang-format is missing: apt-get install -y clang-format"; exit 1; }
	@git ls-files -z '*.cpp' '*.hpp' | xargs -0 -r clang-format -i
	@echo "formatted $$(git ls-files '*.cpp' '*.hpp' | wc -l) files"
