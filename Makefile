# Omsorg on a machine without Docker: PostgreSQL and Kafka from deploy/local/, services under honcho.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: up down demo test venv unit bench bench-all bench-before-after soak alerts helm-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]' > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	touch $(STAMP)

venv: $(STAMP)

## Start PostgreSQL, Kafka, the five services and the web; wait until every /ready answers; load the
## local staff directory (deploy/local/staff.yaml; loading it again changes nothing).
## `make up REPLICAS=2`: two processes of each service (replica n on its port + 10 * (n - 1)).
up: venv
	@deploy/local/postgres.sh start
	@deploy/local/kafka.sh start
	@REPLICAS=$(REPLICAS) deploy/local/services.sh start
	@OMSORG_ENV=$${OMSORG_ENV:-dev} OMSORG_DATABASE_URL=$${OMSORG_DATABASE_URL:-$$(deploy/local/postgres.sh url)} \
		$(VENV)/bin/python -m services.registry.seed_staff deploy/local/staff.yaml

## Stop what `make up` started, every replica (data in .local/ is kept).
down:
	@deploy/local/services.sh stop
	@deploy/local/kafka.sh stop
	@deploy/local/postgres.sh stop

## The whole flow against the running services (started first if they are not running), step by step.
demo: up
	@$(VENV)/bin/python -m demo

## Run every test on the real PostgreSQL and Kafka.
test: venv
	@OMSORG_DISRUPTIVE_TESTS=1 deploy/local/with-infra.sh $(VENV)/bin/python -m pytest -q

## Only the unit tests (no database, no broker).
unit: venv
	$(VENV)/bin/python -m pytest -q tests/unit

## Check the alerting rules and run their unit tests (deploy/prometheus/); installs promtool
## with `go install` into .local/bin on first use.
alerts:
	@deploy/local/promtool.sh check rules deploy/prometheus/alerts.yml
	@deploy/local/promtool.sh test rules deploy/prometheus/alerts.test.yml

## Lint and render the Helm chart (deploy/helm/omsorg) and validate it with kubeconform -strict
## against Kubernetes' JSON schemas, offline; installs helm and kubeconform with `go install` into
## .local/bin on first use.
# Secrets made anew for each check: none is written in the repository.
HELM_CHECK_VALUES = --set config.kafka.bootstrap=kafka:9093 \
	--set secrets.databaseUrl=postgresql://omsorg@db:5432/omsorg \
	--set secrets.jwtSecret=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))') \
	--set secrets.personRefKey=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))') \
	--set secrets.webhookSecret=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')
helm-check:
	@deploy/local/helm.sh lint --strict --kube-version 1.30.0 deploy/helm/omsorg $(HELM_CHECK_VALUES)
	@mkdir -p .local/helm-check
	@deploy/local/helm.sh template omsorg deploy/helm/omsorg --kube-version 1.30.0 $(HELM_CHECK_VALUES) \
	  > .local/helm-check/omsorg.yaml
	@deploy/local/kubeconform.sh -strict -summary -kubernetes-version 1.30.0 \
	  -schema-location "$$(deploy/local/k8s-schemas.sh)/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
	  .local/helm-check/omsorg.yaml

## The summary benchmark: one table of the main endpoints, end-to-end latencies and each
## service's memory, against baselines of the same run (about 5 minutes; installs vegeta
## with `go install` on first use).
bench: venv
	@deploy/local/with-infra.sh $(VENV)/bin/python -m bench summary

## Every benchmark in bench/, the deep per-service ones too (the registry's 1M persons take long).
bench-all: venv
	@deploy/local/with-infra.sh $(VENV)/bin/python -m bench

## The soak: two replicas of each service, whole journeys at a constant rate for ten minutes, one
## replica killed with SIGKILL every minute; then nothing lost, nothing doubled, no memory growth
## (bench/soak.py; about 14 minutes in all; `make soak SOAK="--minutes 3"` for a shorter one).
soak: venv
	@deploy/local/with-infra.sh $(VENV)/bin/python -m bench.soak $(SOAK)

## The summary benchmark before and after a change, interleaved (bench/before_after.py):
## make bench-before-after BEFORE=<commit> [ROUNDS=3]
bench-before-after: venv
	@test -n "$(BEFORE)" || (echo "say which commit to compare with: make bench-before-after BEFORE=<commit>"; exit 2)
	@deploy/local/with-infra.sh $(VENV)/bin/python -m bench.before_after $(BEFORE) --rounds $${ROUNDS:-3}

## One benchmark by name: make bench-journal, bench-orders, bench-registry, bench-watch, bench-notify, bench-events,
## bench-worklists, bench-replicas, bench-registry_replicas, bench-web, bench-chain, bench-rate_limit.
bench-%: venv
	@deploy/local/with-infra.sh $(VENV)/bin/python -m bench $*
