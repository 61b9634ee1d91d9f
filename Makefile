# Build targets: SAM's makefile build method calls build-<LogicalId>; the rest are for people and CI.
.PHONY: demo test fuzz mpa mpa-tool build-MultipartAbortFunction http bootstrap ibm-image ibm-checks

# The main job, locally: starts moto (or, with STORE=rgw, a Ceph RGW) on a free loopback port, makes incomplete
# uploads, aborts them with mpa.
demo:
	bash infra/local/demo.sh

# mpa, the command line, as one Native AOT executable for this machine: artifacts/mpa/mpa (override MPA_RID).
MPA_RID ?= $(if $(filter aarch64 arm64,$(shell uname -m)),linux-arm64,linux-x64)
mpa:
	dotnet publish src/MultipartAbort.Cli -c Release -r $(MPA_RID) -o artifacts/mpa -nologo -nodeReuse:false

# mpa as a .NET tool (framework-dependent) in a local feed:
#   dotnet tool install --tool-path ~/.mpa --add-source artifacts/feed MultipartAbort.Cli
mpa-tool:
	dotnet pack src/MultipartAbort.Cli -c Release -o artifacts/feed -nologo -nodeReuse:false

# The tests (the fixtures start their own moto_server unless MOTO_ENDPOINT is set). The three Native AOT binaries the
# end-to-end tests run are published first, once, one after the other (they share the projects they build), so no
# test pays for a publish and no test project publishes one again: they take them from MPA_BINARY, MPA_BOOTSTRAP and
# MPA_HTTP_HOST. (`dotnet test Functions.sln` alone works too: each test project then publishes what it needs.)
test: mpa http bootstrap
	MPA_BINARY=$(abspath artifacts/mpa/mpa) MPA_BOOTSTRAP=$(abspath $(BOOTSTRAP_PUBLISH_DIR)/bootstrap) \
	  MPA_HTTP_HOST=$(abspath $(HTTP_PUBLISH_DIR)/multipart-abort-http) dotnet test Functions.sln

# The property test of the decoder and parsers (tests/MultipartAbort.Tests/Hardening/DecoderPropertyTests.cs) with
# random seeds and FUZZ_ITERATIONS inputs (make test runs a fixed seed and budget). An input it reports goes into the
# test's Found cases.
FUZZ_ITERATIONS ?= 200000
fuzz:
	FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) dotnet test tests/MultipartAbort.Tests --filter "FullyQualifiedName~DecoderPropertyTests" -nologo

# The Lambda function (template.yaml, LogicalId MultipartAbortFunction): the Native AOT `bootstrap` for
# provided.al2023. SAM's makefile build method passes only ARTIFACTS_DIR (not the function's architecture), so the
# architecture comes from LAMBDA_ARCH, which defaults to the template's Architecture default: the binary and the
# template agree unless both are overridden (deploy with --parameter-overrides Architecture=x86_64 and build with
# LAMBDA_ARCH=x86_64). Native AOT links for the machine that builds, so the build FAILS when LAMBDA_ARCH is not the
# build machine's architecture (use `sam build --use-container`, whose container has the function's architecture),
# unless LAMBDA_CROSS=1 says a cross linker is set up.
TEMPLATE_ARCH := $(shell sed -n '/^  Architecture:/,/^  [A-Za-z]/s/^    Default: *//p' template.yaml)
LAMBDA_ARCH ?= $(TEMPLATE_ARCH)
HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
LAMBDA_RID := $(if $(filter arm64,$(LAMBDA_ARCH)),linux-arm64,$(if $(filter x86_64,$(LAMBDA_ARCH)),linux-x64,unknown))
LAMBDA_PUBLISH_DIR := artifacts/lambda/$(LAMBDA_RID)
ARTIFACTS_DIR ?= artifacts/sam/MultipartAbortFunction
# The stripped symbols of each release build, kept OUTSIDE the function's artifacts (never shipped to Lambda):
# beside SAM's build folder (.aws-sam/symbols for `sam build`), named by architecture and GNU build id so that a
# production stack trace (bootstrap!<BaseAddress>+0x...) is read with the .dbg of exactly that binary.
SYMBOLS_DIR ?= $(abspath $(dir $(abspath $(ARTIFACTS_DIR)))../symbols)

build-MultipartAbortFunction:
	@[ "$(LAMBDA_RID)" != unknown ] || { echo "make: LAMBDA_ARCH must be arm64 or x86_64 (template.yaml's Architecture); got '$(LAMBDA_ARCH)'" >&2; exit 1; }
	@[ "$(LAMBDA_ARCH)" = "$(HOST_ARCH)" ] || [ "$(LAMBDA_CROSS)" = 1 ] || { \
	  echo "make: the function is $(LAMBDA_ARCH) (LAMBDA_ARCH, default: template.yaml's Architecture default) but this machine is $(HOST_ARCH)," >&2; \
	  echo "  and Native AOT links for the machine that builds. Build in a $(LAMBDA_ARCH) container (sam build --use-container)," >&2; \
	  echo "  or deploy Architecture=$(HOST_ARCH) and build with LAMBDA_ARCH=$(HOST_ARCH), or set LAMBDA_CROSS=1 with a cross linker." >&2; \
	  exit 1; }
	dotnet publish src/MultipartAbort.Lambda/MultipartAbort.Lambda.csproj -c Release -r $(LAMBDA_RID) -o $(LAMBDA_PUBLISH_DIR) -nologo -nodeReuse:false
	mkdir -p "$(ARTIFACTS_DIR)"
	cp $(LAMBDA_PUBLISH_DIR)/bootstrap "$(ARTIFACTS_DIR)/bootstrap"
	chmod 755 "$(ARTIFACTS_DIR)/bootstrap"
	@build_id=$$(readelf -n $(LAMBDA_PUBLISH_DIR)/bootstrap 2>/dev/null | sed -n 's/.*Build ID: *//p'); \
	  dir="$(SYMBOLS_DIR)/$(LAMBDA_ARCH)/$${build_id:-$$(sha256sum $(LAMBDA_PUBLISH_DIR)/bootstrap | cut -c1-40)}"; \
	  mkdir -p "$$dir" && cp $(LAMBDA_PUBLISH_DIR)/bootstrap.dbg "$$dir/bootstrap.dbg" && echo "symbols: $$dir/bootstrap.dbg"

# The IBM Cloud HTTP host (src/MultipartAbort.Http): the Native AOT `multipart-abort-http`, published for this machine's
# architecture into the folder its end-to-end tests use (tests/MultipartAbort.Http.Tests), so they skip the publish.
HOST_RID := $(if $(filter arm64,$(HOST_ARCH)),linux-arm64,linux-x64)
HTTP_PUBLISH_DIR := artifacts/http/$(HOST_RID)

http:
	dotnet publish src/MultipartAbort.Http/MultipartAbort.Http.csproj -c Release -r $(HOST_RID) -o $(HTTP_PUBLISH_DIR) -nologo -nodeReuse:false

# The Lambda bootstrap for this machine, into the folder its end-to-end tests use (tests/MultipartAbort.Lambda.Tests).
BOOTSTRAP_PUBLISH_DIR := artifacts/lambda/$(HOST_RID)

bootstrap:
	dotnet publish src/MultipartAbort.Lambda/MultipartAbort.Lambda.csproj -c Release -r $(HOST_RID) -o $(BOOTSTRAP_PUBLISH_DIR) -nologo -nodeReuse:false

# The IBM Cloud image (needs a container engine: docker, or podman with IBM_IMAGE_TOOL=podman).
IBM_IMAGE ?= multipart-abort:latest
IBM_IMAGE_TOOL ?= docker

ibm-image:
	$(IBM_IMAGE_TOOL) build -f infra/ibm/Dockerfile -t $(IBM_IMAGE) .

# The IBM deployment's CI checks: the Dockerfile lints clean, the deploy script parses, the host publishes AOT.
ibm-checks:
	bash infra/ibm/ci-checks.sh
