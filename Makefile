# Casework verbs. Recipes run in bash with strict flags so a failing step stops the target.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SOLUTION := $(REPO)/Casework.slnx
CONFIGURATION := Release
TEST_RESULTS := $(REPO)/.run/test-results
# Only the ones that exist: find fails on a missing path.
SOURCE_DIRS := $(wildcard $(REPO)/services $(REPO)/gateway $(REPO)/contracts $(REPO)/tests)

# Quieter, faster dotnet CLI on fresh machines and in CI.
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: build run test bench bench-quick tools infra lint clean images chart-deps

build:
	dotnet build $(SOLUTION) -c $(CONFIGURATION)

infra:
	@bash $(REPO)/scripts/infra.sh up

# helm and kubectl in .tools/bin (what an operator needs); make test also installs the checks' Debian packages.
tools:
	@bash $(REPO)/scripts/tools.sh

# Container images of the five services, the gateway and identity (.NET SDK container support; settings in
# Directory.Build.props): casework/<name>:$(IMAGE_TAG). With IMAGE_REGISTRY set they are pushed there (log in
# first); else with IMAGE_ARCHIVE_DIR set they are written there as tar.gz; else loaded into the local Docker or
# Podman. The base image comes from mcr.microsoft.com, which the build machines here cannot reach: there the
# target fails at that pull.
IMAGE_TAG ?= 1.0.0
IMAGE_REGISTRY ?=
IMAGE_ARCHIVE_DIR ?=
IMAGE_PROJECTS := services/Identity/Casework.Identity services/Intake/Casework.Intake.Api services/Case/Casework.Case.Api \
	services/Notes/Casework.Notes.Api services/Assignment/Casework.Assignment.Api \
	services/Reporting/Casework.Reporting.Api gateway/Casework.Gateway

images:
	@for project in $(IMAGE_PROJECTS); do \
	  echo "images: $$project"; \
	  dotnet publish $(REPO)/$$project -c $(CONFIGURATION) -t:PublishContainer -p:ContainerImageTag=$(IMAGE_TAG) \
	    $(if $(IMAGE_REGISTRY),-p:ContainerRegistry=$(IMAGE_REGISTRY)) \
	    $(if $(IMAGE_ARCHIVE_DIR),-p:ContainerArchiveOutputPath=$(abspath $(IMAGE_ARCHIVE_DIR))/); \
	done

# Vendors each chart's file:// dependencies (the library into every chart, then the charts into the umbrella),
# offline; charts/*/charts/ is git-ignored. Needed before helm lint/template/install of a fresh clone. Uses the helm
# on PATH (>= 3.15, or 4), else .tools/bin/helm (make tools).
chart-deps:
	@helm="$$(command -v helm || echo $(REPO)/.tools/bin/helm)"; \
	[[ -x $$helm ]] || { echo "chart-deps: no helm on PATH: install helm >= 3.15 (or 4), or run make tools" >&2; exit 1; }; \
	for chart in identity intake case notes assignment reporting gateway casework; do \
	  "$$helm" dependency build $(REPO)/charts/$$chart >/dev/null; \
	done

# Runs the platform in the foreground; Ctrl-C (or any exit) stops every process it started.
run: infra build
	@trap 'bash $(REPO)/scripts/platform.sh down' EXIT; trap 'exit 130' INT TERM; \
	bash $(REPO)/scripts/platform.sh up; \
	echo "Partner token:  curl -s http://127.0.0.1:5000/connect/token -d grant_type=client_credentials -d client_id=partner-shelter -d client_secret=partner-shelter-demo-secret -d scope='intake.referrals.write intake.referrals.read'"; \
	echo "Staff token:    scripts/staff-token.sh alice   (demo users: README.md)"; \
	echo "API reference:  http://127.0.0.1:5000/api/intake/docs (also cases, notes, assignment, reporting)"; \
	echo "Press Ctrl-C to stop."; \
	while :; do sleep 1; done

# The summary line is printed last even when tests fail; the target then fails too.
test:
	@bash $(REPO)/scripts/infra.sh up
	@bash $(REPO)/scripts/infra.sh test-vhosts
	@bash $(REPO)/scripts/infra.sh drop-test-dbs
	@bash $(REPO)/scripts/tools.sh --test
	dotnet build $(SOLUTION) -c $(CONFIGURATION)
	@rm -rf $(TEST_RESULTS); rc=0; \
	dotnet test $(SOLUTION) -c $(CONFIGURATION) --no-build --logger trx --results-directory $(TEST_RESULTS) || rc=$$?; \
	bash $(REPO)/scripts/test-summary.sh $(TEST_RESULTS) || rc=1; \
	exit $$rc

# Benchmarks of the real processes on loopback (tests/Casework.Bench); tables on stdout and
# bench/results/latest.json. bench-quick takes under 3 minutes; bench is the full run for the record.
bench: infra build
	dotnet $(REPO)/tests/Casework.Bench/bin/$(CONFIGURATION)/net10.0/Casework.Bench.dll --mode full

bench-quick: infra build
	dotnet $(REPO)/tests/Casework.Bench/bin/$(CONFIGURATION)/net10.0/Casework.Bench.dll --mode quick

# Warnings are errors (Directory.Build.props); --no-incremental so an up-to-date build cannot hide them.
lint:
	dotnet build $(SOLUTION) -c $(CONFIGURATION) --no-incremental -warnaserror

clean:
	@bash $(REPO)/scripts/platform.sh down
	rm -rf $(REPO)/.run
	$(if $(SOURCE_DIRS),find $(SOURCE_DIRS) -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +)
