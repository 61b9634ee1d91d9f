# Build targets: SAM's makefile build method calls build-<LogicalId>; the rest are for people and CI.
.PHONY: demo test

# The main job, locally: starts moto on a free loopback port, makes incomplete uploads, aborts them with mpa.
demo:
	bash infra/local/demo.sh

# The tests (the fixtures start their own moto_server unless MOTO_ENDPOINT is set).
test:
	dotnet test Functions.sln
