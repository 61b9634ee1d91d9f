# Build targets: SAM's makefile build method calls build-<LogicalId>; the rest are for people and CI.
.PHONY: demo test build-MultipartAbortFunction http ibm-image ibm-checks

# The main job, locally: starts moto on a free loopback port, makes incomplete uploads, aborts them with mpa.
demo:
	bash infra/local/demo.sh

# The tests (the fixtures start their own moto_server unless MOTO_ENDPOINT is set).
test:
	dotnet test Functions.sln

# The Lambda function (template.yaml, LogicalId MultipartAbortFunction): the Native AOT `bootstrap` for
# provided.al2023, published for the architecture of the machine (or container) that builds it; override with
# LAMBDA_RID=linux-arm64 or linux-x64 on a machine that can link for the other one.
LAMBDA_RID ?= $(if $(filter aarch64 arm64,$(shell uname -m)),linux-arm64,linux-x64)
LAMBDA_PUBLISH_DIR := artifacts/lambda/$(LAMBDA_RID)
ARTIFACTS_DIR ?= artifacts/sam

build-MultipartAbortFunction:
	dotnet publish src/MultipartAbort.Lambda/MultipartAbort.Lambda.csproj -c Release -r $(LAMBDA_RID) -o $(LAMBDA_PUBLISH_DIR) -nologo -nodeReuse:false
	mkdir -p "$(ARTIFACTS_DIR)"
	cp $(LAMBDA_PUBLISH_DIR)/bootstrap "$(ARTIFACTS_DIR)/bootstrap"
	chmod 755 "$(ARTIFACTS_DIR)/bootstrap"

# The IBM Cloud HTTP host (src/MultipartAbort.Http): the Native AOT `multipart-abort-http`, published for this machine's
# architecture into the folder its end-to-end tests use (tests/MultipartAbort.Http.Tests), so they skip the publish.
HTTP_PUBLISH_DIR := artifacts/http/$(LAMBDA_RID)

http:
	dotnet publish src/MultipartAbort.Http/MultipartAbort.Http.csproj -c Release -r $(LAMBDA_RID) -o $(HTTP_PUBLISH_DIR) -nologo -nodeReuse:false

# The IBM Cloud image (needs a container engine: docker, or podman with IBM_IMAGE_TOOL=podman).
IBM_IMAGE ?= multipart-abort:latest
IBM_IMAGE_TOOL ?= docker

ibm-image:
	$(IBM_IMAGE_TOOL) build -f infra/ibm/Dockerfile -t $(IBM_IMAGE) .

# The IBM deployment's CI checks: the Dockerfile lints clean, the deploy script parses, the host publishes AOT.
ibm-checks:
	bash infra/ibm/ci-checks.sh
