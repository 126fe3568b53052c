# The two commands a fresh machine needs: `make conformance` (the main job) and `make test`.
GO      ?= go
BIN     := bin/conformance
PKGS    := ./...
FUZZTIME ?= 30s

.PHONY: conformance test bench bench-scale lint fuzz serve build image clean

# REVISION stamps `conformance --version` with the git revision the binary is built from:
# GOFLAGS=-buildvcs=false (CI's) leaves the build info without one. Empty without git.
REVISION ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)

build:
	$(GO) build $(if $(REVISION),-ldflags "-X main.revision=$(REVISION)") -o $(BIN) ./cmd/conformance

## conformance: run every fixture against the built-in reference target and print the summary.
conformance: build
	./$(BIN) run

## test: vet, then every test (unit, wire, fault injection, fuzz seeds) under the race detector,
## then the interop tests with the providers' official SDKs (a module of their own: interop/).
test: lint
	$(GO) test -race -count=1 $(PKGS)
	cd interop && $(GO) vet ./... && $(GO) test -count=1 ./...
	cd deploy && $(GO) vet ./... && $(GO) test -count=1 ./... && $(GO) tool actionlint ../.github/workflows/conformance.yml

## image: the OCI image of the static binary, built on no base image (deploy/image): a tarball
## for docker load / podman load and an OCI layout, both under bin/.
image:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/conformance-static ./cmd/conformance
	cd deploy && $(GO) run ./cmd/conformance-image -binary ../bin/conformance-static \
	  -tarball ../bin/conformance-image.tar -oci-layout ../bin/conformance-oci

## bench: benchmarks (the reference target and the proxy's overhead on one core; response validation; spec loading).
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./mock/ ./proxy/
	$(GO) test -run '^$$' -bench . -benchmem ./conformance/ ./specs/ ./runner/...
	@echo "full default run, process start to exit:"
	@bash -c 'time ./$(BIN) run --report-dir $${TMPDIR:-/tmp}/conformance-bench >/dev/null'

## lint: gofmt and go vet must be clean.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

## fuzz: run each fuzz target for FUZZTIME (default 30s).
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## serve: the reference target on 127.0.0.1:8080 (FAULT=name to break one contract point,
## LENIENT=name[,name] to make it lenient where the pages are silent).
serve: build
	./$(BIN) serve $(if $(FAULT),--fault $(FAULT)) $(if $(LENIENT),--lenient $(LENIENT))

clean:
	rm -rf bin conformance-report

## bench-scale: spec load, planning, run, report writing and peak RSS for 10, 100 and 1,000
## synthetic operations of one provider, each size in a process of its own (runner/scale_test.go).
bench-scale:
	CONFORMANCE_BENCH_SCALE=1 $(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime 1x -timeout 30m ./runner/
