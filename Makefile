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

.PHONY: report test lint bench peaks clean venv check
venv: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# A build killed with SIGKILL leaves Snakemake's lock behind; gdlab.locks releases it when no build runs here.
report: $(STAMP)
	$(BIN)/python -m gdlab.locks
	$(BIN)/snakemake --cores $(CORES) --scheduler $(SCHEDULER) $(TARGETS) $(ARGS)
	mkdir -p results/report
	$(BIN)/snakemake --report results/report/provenance.html $(TARGETS) $(ARGS)
	$(if $(TARGETS),,$(BIN)/snakemake --cores $(CORES) --scheduler $(SCHEDULER) results/check/_self/passed.txt $(ARGS))

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
