# Build targets: SAM's makefile build method calls build-<LogicalId>; the rest are for people and CI.
.PHONY: demo test mpa mpa-tool build-MultipartAbortFunction

# The main job, locally: starts moto on a free loopback port, makes incomplete uploads, aborts them with mpa.
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
