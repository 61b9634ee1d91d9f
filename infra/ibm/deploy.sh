#!/usr/bin/env bash
# Deploys MultipartAbort on IBM Cloud Code Engine from an image already pushed to a registry (docs/deploy-ibm.md):
# project, registry access, a secret and a config map, the app (the HTTP host), a cron subscription that ticks it
# (sweeps, report, retry ledger drain), and a job running `mpa sweep` from the same image on its own schedule.
#
# Settings come from environment variables (see the list below). `--print` (or PRINT_ONLY=1) prints the commands that
# change something instead of running them; the read-only look-ups (does the project/app/... exist?) still run, so the
# printout shows create or update as a real run would. Secret values are never printed.
#
#   IMAGE=us.icr.io/my-ns/multipart-abort:1.0 CE_PROJECT=multipart-abort WEBHOOK_SECRET=... \
#   COS_ENDPOINT=https://s3.direct.us-south.cloud-object-storage.appdomain.cloud COS_REGION=us-south \
#   RETRY_QUEUE_URL=cos://my-ledger/retry/ SWEEP_TARGETS=my-uploads:P1D infra/ibm/deploy.sh --print
set -euo pipefail

print_only=${PRINT_ONLY:-0}
for arg in "$@"; do
  case "$arg" in
    --print) print_only=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "deploy.sh: unknown argument '$arg' (only --print)" >&2; exit 2 ;;
  esac
done

# --- settings ---------------------------------------------------------------------------------------------------
: "${IMAGE:?IMAGE must name the pushed image, e.g. us.icr.io/my-namespace/multipart-abort:1.0}"
: "${CE_PROJECT:?CE_PROJECT must name the Code Engine project (created when missing)}"
APP_NAME=${APP_NAME:-multipart-abort}
# project: only the project's own subscriptions (and jobs) reach the app, so unsigned CloudEvents are trusted.
# public: anyone can reach it; every request, CloudEvents included, must carry X-Signature, so no cron subscription.
VISIBILITY=${VISIBILITY:-project}
TICK_SCHEDULE=${TICK_SCHEDULE:-*/5 * * * *}    # cron subscription: SWEEP_TARGETS sweeps, REPORT_TARGETS report, retry ledger drain
JOB_SCHEDULE=${JOB_SCHEDULE:-}                 # e.g. "0 3 * * *": the mpa sweep job on its own schedule; empty: no job schedule
JOB_SWEEP_BUCKET=${JOB_SWEEP_BUCKET:-}         # the job's `mpa sweep --bucket`; empty: no job
JOB_SWEEP_PREFIX=${JOB_SWEEP_PREFIX:-}
JOB_OLDER_THAN=${JOB_OLDER_THAN:-P1D}
JOB_SHARDS=${JOB_SHARDS:-1}                    # >1: an array job of that many instances; each sweeps shard JOB_INDEX/JOB_ARRAY_SIZE
SECRETS_ENV_FILE=${SECRETS_ENV_FILE:-}         # an env file with WEBHOOK_SECRET, METRICS_TOKEN, COS_API_KEY or the HMAC keys
REGISTRY_SERVER=${REGISTRY_SERVER:-${IMAGE%%/*}}
REGISTRY_SECRET=${REGISTRY_SECRET:-}           # an existing registry access secret; or REGISTRY_PASSWORD to create one
MIN_SCALE=${MIN_SCALE:-0}
MAX_SCALE=${MAX_SCALE:-3}

secret_name="$APP_NAME-secrets"
config_name="$APP_NAME-config"
secret_keys=(WEBHOOK_SECRET METRICS_TOKEN COS_API_KEY COS_ACCESS_KEY_ID COS_SECRET_ACCESS_KEY)
config_keys=(COS_ENDPOINT COS_REGION COS_FORCE_PATH_STYLE IBM_IAM_ENDPOINT COS_SERVICE_INSTANCE_ID RETRY_QUEUE_URL DEAD_LETTER_QUEUE_URL MAX_ATTEMPTS
  IMMEDIATE_REABORTS RETRY_BASE_DELAY WEBHOOK_TOLERANCE ALLOWED_BUCKETS ALLOWED_PREFIXES MIN_UPLOAD_AGE MIN_IDLE DRY_RUN SWEEP_TARGETS
  REPORT_TARGETS REPORT_DEPTH REPORT_HTML_URL REPORT_BY SWEEP_MIN_AGE UPLOAD_TTL SWEEP_CONCURRENCY POWERTOOLS_SERVICE_NAME POWERTOOLS_LOG_LEVEL POWERTOOLS_METRICS_NAMESPACE)

case "$JOB_SHARDS" in
  ''|*[!0-9]*|0) echo "deploy.sh: JOB_SHARDS must be a whole number from 1 to 1000; got '$JOB_SHARDS'" >&2; exit 2 ;;
esac
if [ "$JOB_SHARDS" -gt 1000 ]; then echo "deploy.sh: JOB_SHARDS must be a whole number from 1 to 1000; got '$JOB_SHARDS'" >&2; exit 2; fi

case "$VISIBILITY" in
  project) CLOUDEVENTS_TRUSTED=true ;;
  public|private) CLOUDEVENTS_TRUSTED=false ;;
  *) echo "deploy.sh: VISIBILITY must be project, private or public; got '$VISIBILITY'" >&2; exit 2 ;;
esac

# --- running or printing ----------------------------------------------------------------------------------------
# A command that changes something: run it, or print it in print mode (secret literals and passwords masked).
change() {
  if [ "$print_only" != 1 ]; then
    "$@"
    return
  fi
  local shown=() prev="" word key
  for word in "$@"; do
    if [ "$prev" = --password ]; then
      word='***'
    elif [ "$prev" = --from-literal ]; then
      key=${word%%=*}
      is_secret_key "$key" && word="$key=***"
    fi
    shown+=("$(quote "$word")")
    prev=$word
  done
  echo "${shown[*]}"
}

is_secret_key() {
  local k
  for k in "${secret_keys[@]}"; do [ "$k" = "$1" ] && return 0; done
  return 1
}

# Shell quoting that stays readable: plain words as they are, anything else in single quotes.
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

# A read-only look-up (runs in both modes): does this Code Engine resource exist?
exists() { ibmcloud ce "$@" >/dev/null 2>&1; }

# --- project ----------------------------------------------------------------------------------------------------
if exists project get --name "$CE_PROJECT"; then
  change ibmcloud ce project select --name "$CE_PROJECT"
else
  change ibmcloud ce project create --name "$CE_PROJECT"
  change ibmcloud ce project select --name "$CE_PROJECT"
fi

# --- registry access --------------------------------------------------------------------------------------------
registry_flags=()
if [ -n "${REGISTRY_PASSWORD:-}" ]; then
  REGISTRY_SECRET=${REGISTRY_SECRET:-$APP_NAME-registry}
  verb=create; exists registry get --name "$REGISTRY_SECRET" && verb=update
  change ibmcloud ce registry "$verb" --name "$REGISTRY_SECRET" --server "$REGISTRY_SERVER" --username "${REGISTRY_USERNAME:-iamapikey}" --password "$REGISTRY_PASSWORD"
fi
[ -n "$REGISTRY_SECRET" ] && registry_flags=(--registry-secret "$REGISTRY_SECRET")

# --- secret (from an env file, or from literals) ----------------------------------------------------------------
secret_flags=()
if [ -n "$SECRETS_ENV_FILE" ]; then
  [ -f "$SECRETS_ENV_FILE" ] || { echo "deploy.sh: SECRETS_ENV_FILE '$SECRETS_ENV_FILE' does not exist" >&2; exit 2; }
  secret_flags=(--from-env-file "$SECRETS_ENV_FILE")
else
  for key in "${secret_keys[@]}"; do
    [ -n "${!key:-}" ] && secret_flags+=(--from-literal "$key=${!key}")
  done
fi
if [ "${#secret_flags[@]}" -eq 0 ]; then
  echo "deploy.sh: no secret given: set WEBHOOK_SECRET and COS_API_KEY (or COS_ACCESS_KEY_ID/COS_SECRET_ACCESS_KEY), or SECRETS_ENV_FILE" >&2
  exit 2
fi
verb=create; exists secret get --name "$secret_name" && verb=update
# Reachable from outside the project (public, private), /metrics answers only with METRICS_TOKEN (it names buckets): make
# one when none is given and the secret has none yet, so a redeploy never changes the token a scraper holds.
if [ "$VISIBILITY" != project ] && [ -z "${METRICS_TOKEN:-}" ] \
  && ! { [ -n "$SECRETS_ENV_FILE" ] && grep -q '^METRICS_TOKEN=' "$SECRETS_ENV_FILE"; } \
  && ! { [ "$verb" = update ] && ibmcloud ce secret get --name "$secret_name" --output json 2>/dev/null | grep -q '"METRICS_TOKEN"'; }; then
  METRICS_TOKEN=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  secret_flags+=(--from-literal "METRICS_TOKEN=$METRICS_TOKEN")
  echo "deploy.sh: VISIBILITY=$VISIBILITY: METRICS_TOKEN made and stored in secret $secret_name; give it to the scraper as a bearer token:" >&2
  echo "  ibmcloud ce secret get --name $secret_name --decode | sed -n 's/^METRICS_TOKEN: *//p' > metrics-token" >&2
  echo "  (Prometheus: authorization: { type: Bearer, credentials_file: metrics-token }; see docs/deploy-ibm.md)" >&2
fi
change ibmcloud ce secret "$verb" --name "$secret_name" "${secret_flags[@]}"

# --- config map -------------------------------------------------------------------------------------------------
config_flags=(--from-literal "CLOUDEVENTS_TRUSTED=$CLOUDEVENTS_TRUSTED")
for key in "${config_keys[@]}"; do
  [ -n "${!key:-}" ] && config_flags+=(--from-literal "$key=${!key}")
done
verb=create; exists configmap get --name "$config_name" && verb=update
change ibmcloud ce configmap "$verb" --name "$config_name" "${config_flags[@]}"

# --- the app (the HTTP host) ------------------------------------------------------------------------------------
verb=create; exists application get --name "$APP_NAME" && verb=update
change ibmcloud ce application "$verb" --name "$APP_NAME" --image "$IMAGE" "${registry_flags[@]}" \
  --port 8080 --visibility "$VISIBILITY" --min-scale "$MIN_SCALE" --max-scale "$MAX_SCALE" \
  --env-from-secret "$secret_name" --env-from-configmap "$config_name"

# --- the tick: a cron subscription (CloudEvents, unsigned: only with project visibility) --------------------------
if [ "$VISIBILITY" = project ]; then
  verb=create; exists subscription cron get --name "$APP_NAME-tick" && verb=update
  change ibmcloud ce subscription cron "$verb" --name "$APP_NAME-tick" --destination-type app --destination "$APP_NAME" \
    --path / --schedule "$TICK_SCHEDULE" --content-type application/json --data '{}'
else
  echo "deploy.sh: VISIBILITY=$VISIBILITY: no cron subscription (it cannot sign requests); schedule the mpa sweep job instead (JOB_SCHEDULE)" >&2
fi

# --- the job: `mpa sweep` from the same image, optionally on a schedule ------------------------------------------
if [ -n "$JOB_SWEEP_BUCKET" ]; then
  job_args=(--argument sweep --argument --bucket --argument "$JOB_SWEEP_BUCKET" --argument --older-than --argument "$JOB_OLDER_THAN")
  [ -n "$JOB_SWEEP_PREFIX" ] && job_args+=(--argument --prefix --argument "$JOB_SWEEP_PREFIX")
  # An array job: Code Engine sets JOB_INDEX and JOB_ARRAY_SIZE in each instance, and `mpa sweep` (no --shard flag)
  # takes its shard from them, so every upload is handled by exactly one instance.
  [ "$JOB_SHARDS" -gt 1 ] && job_args+=(--array-indices "0-$((JOB_SHARDS - 1))")
  verb=create; exists job get --name "$APP_NAME-sweep" && verb=update
  change ibmcloud ce job "$verb" --name "$APP_NAME-sweep" --image "$IMAGE" "${registry_flags[@]}" --command /app/mpa "${job_args[@]}" \
    --env-from-secret "$secret_name" --env-from-configmap "$config_name"
  if [ -n "$JOB_SCHEDULE" ]; then
    verb=create; exists subscription cron get --name "$APP_NAME-sweep-schedule" && verb=update
    change ibmcloud ce subscription cron "$verb" --name "$APP_NAME-sweep-schedule" --destination-type job --destination "$APP_NAME-sweep" \
      --schedule "$JOB_SCHEDULE"
  fi
fi

[ "$print_only" = 1 ] && echo "# print mode: nothing was changed" >&2
exit 0
