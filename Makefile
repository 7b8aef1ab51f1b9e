# The README's commands. `make report` builds the answer sheet, `make test` runs the suite.
# Both create the virtual environment .venv on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# Every CPU the machine has: on two CPUs, four jobs at once only compete for them (measured slower).
CORES  ?= all
# Snakemake's scheduler (ilp, its default, or greedy): CI builds with greedy, the tests with ilp, so that a job that
# works only in one order fails one of them.
SCHEDULER ?= ilp
# More options for Snakemake's calls in `make report`, e.g. ARGS="--configfile my.yaml"; TARGETS builds only those
# files (and leaves out the check of the hand-in, which needs it whole).
ARGS   ?=
TARGETS ?=
TEST_WORKERS ?= auto
STAMP  := $(VENV)/.installed

.PHONY: report provenance test lint bench peaks clean venv check
venv: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# A build killed with SIGKILL leaves Snakemake's lock behind; gdlab.locks releases it when no build runs here. One
# Snakemake call builds everything and the check of the own hand-in (each start of Snakemake costs seconds), then
# the provenance record.
report: $(STAMP)
	$(BIN)/python -m gdlab.locks
	$(BIN)/snakemake --cores $(CORES) --scheduler $(SCHEDULER) $(or $(TARGETS),all results/check/_self/passed.txt) $(ARGS)
	@$(MAKE) --no-print-directory provenance

# Snakemake's report of the build, made again only when it could differ: a file it describes (a result, a log, the
# workflow, the config, the code) is newer than it, or other TARGETS or ARGS ask for another. So a `make report`
# with nothing to do stays quick. The stamp is written first: a report that fails is older than it, so made again.
PROVENANCE := results/report/provenance.html
PROVENANCE_OF := results/report/.provenance-of
PROVENANCE_KEY = $(TARGETS) $(ARGS)
provenance: $(STAMP)
	@mkdir -p results/report
	@if [ -f $(PROVENANCE) ] && [ "$$(cat $(PROVENANCE_OF) 2>/dev/null)" = "$(PROVENANCE_KEY)" ] \
	  && [ -z "$$(find results workflow config report src pyproject.toml -type f -newer $(PROVENANCE) \
	              ! -name '*.pyc' -print -quit)" ]; then \
	  echo "The provenance record is up to date: $(PROVENANCE)"; \
	else \
	  echo "$(PROVENANCE_KEY)" > $(PROVENANCE_OF) && $(BIN)/snakemake --report $(PROVENANCE) $(TARGETS) $(ARGS); \
	fi

# The teaching assistants' checker: every group's hand-in in HANDINS (zips or folders), sandboxed; reports under
# results/check/ (README "For teaching assistants"). PROFILE=workflow/profiles/slurm runs it on a cluster.
HANDINS ?=
check: $(STAMP)
	@test -n "$(HANDINS)" || { echo "make check HANDINS=folder (the folder of the groups' zips)"; exit 2; }
	$(BIN)/snakemake $(if $(PROFILE),--profile $(PROFILE),--cores $(CORES)) results/check/summary.csv \
	  --config handins="$(abspath $(HANDINS))"

# One worker per CPU, handed the work in the suite's own order (tests/conftest.py: the tests that need no build first,
# then the readers of the shared end-to-end builds, each group in one worker).
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

# Every speed figure of the README, side by side in one run (about six minutes; a copy, not results/).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --cores $(CORES) --json results/bench.json

# Each job's measured peak memory and time (after a build) against what its rule declares.
peaks: $(STAMP)
	$(BIN)/python benchmarks/peaks.py

lint: $(STAMP)
	$(BIN)/snakemake --lint

clean:
	rm -rf results .snakemake
