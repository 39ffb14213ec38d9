#!/usr/bin/env bash
# Checks the container files without a Docker engine (none runs on the build machines):
#   1. the Dockerfile: an SDK build stage, a runtime stage on the ASP.NET image, a non-root user, a HEALTHCHECK on
#      /health, the .modelops folder on a volume, an ENTRYPOINT that runs what the build stage published;
#   2. the Dockerfile's own `dotnet publish` command, run here as it runs in the build stage, and the published
#      hub started from its output: /health and the UI's script answer 200;
#   3. deploy/compose.yaml with `docker compose config` (or Debian's docker-compose): it parses, has the hub with
#      2 replicas, a worker, PostgreSQL 15 and a Kafka broker in KRaft mode, and refuses to start without its secrets.
# Prints one "ok: ..." line per check; exits 1 at the first failure, naming it.
#   deploy/check.sh [--no-publish]
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKERFILE=Dockerfile
COMPOSE=deploy/compose.yaml
fail() { echo "deploy/check.sh: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# --- 1. the Dockerfile's stages, user, health check, volume and entrypoint -------------------------------------
# Instructions with their continuation lines joined, comments dropped.
instructions=$(sed -e 's/^[[:space:]]*#.*$//' "$DOCKERFILE" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | grep -v '^[[:space:]]*$')
froms=$(grep -E '^FROM ' <<<"$instructions" || true)
[ "$(wc -l <<<"$froms")" -ge 2 ] || fail "$DOCKERFILE: expected a build stage and a runtime stage, found: $froms"
grep -qE '^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$' <<<"$(head -n 1 <<<"$froms")" || fail "$DOCKERFILE: the first stage must be 'FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build'"
grep -qE '^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0( AS [a-z]+)?$' <<<"$(tail -n 1 <<<"$froms")" || fail "$DOCKERFILE: the last stage must run on mcr.microsoft.com/dotnet/aspnet:10.0"
ok "stages: build on the .NET 10 SDK, runtime on the ASP.NET Core 10 image"
final=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' <<<"$instructions")
user=$({ grep -E '^USER ' <<<"$final" || true; } | tail -n 1 | awk '{print $2}')
[ -n "$user" ] || fail "$DOCKERFILE: the runtime stage sets no USER (it would run as root)"
case "$user" in root|0|0:*) fail "$DOCKERFILE: the runtime stage runs as '$user'";; esac
ok "runs as the non-root user '$user'"
grep -qE '^HEALTHCHECK .*/health' <<<"$final" || fail "$DOCKERFILE: no HEALTHCHECK on /health in the runtime stage"
ok "HEALTHCHECK asks /health"
grep -qE '^VOLUME .*\.modelops' <<<"$final" || fail "$DOCKERFILE: the .modelops folder is not on a VOLUME"
ok "the embedded store's folder is a volume"
entry=$({ grep -E '^ENTRYPOINT ' <<<"$final" || true; } | tail -n 1)
[ -n "$entry" ] || fail "$DOCKERFILE: no ENTRYPOINT in the runtime stage"
program=$(sed -E 's/^ENTRYPOINT \[("[^"]*", *)*"([^"]*\.dll)".*$/\2/' <<<"$entry")
[[ "$program" == *.dll ]] || fail "$DOCKERFILE: the ENTRYPOINT does not run a .dll: $entry"
copy=$({ grep -E '^COPY --from=build /app ' <<<"$final" || true; } | awk '{print $4}')
[ -n "$copy" ] || fail "$DOCKERFILE: the runtime stage does not copy the build stage's /app"
[[ "$program" == "$copy"/* ]] || fail "$DOCKERFILE: the ENTRYPOINT runs $program, outside $copy where the published app is"
ok "ENTRYPOINT runs ${program#"$copy"/} from the published app ($copy)"

# --- 2. the build stage's publish, run here ---------------------------------------------------------------------
if [ "${1:-}" != "--no-publish" ]; then
  publish=$({ grep -E '^RUN dotnet publish ' <<<"$instructions" || true; } | head -n 1 | sed 's/^RUN //')
  [ -n "$publish" ] || fail "$DOCKERFILE: no 'RUN dotnet publish' in the build stage"
  grep -qE ' -o /app( |$)' <<<"$publish" || fail "$DOCKERFILE: the publish does not write /app: $publish"
  out=$(mktemp -d "${TMPDIR:-/tmp}/modelops-publish-XXXXXX")
  trap 'rm -rf "$out"; [ -n "${hub:-}" ] && kill "$hub" 2>/dev/null || true' EXIT
  # The build stage's working directory is the repository's root (COPY keeps the paths); only /app is moved.
  eval "${publish/ -o \/app/ -o \"$out\"}" >"$out.log" 2>&1 || { cat "$out.log" >&2; fail "the Dockerfile's publish failed: $publish"; }
  rm -f "$out.log"
  [ -f "$out/${program#"$copy"/}" ] || fail "the publish did not make ${program#"$copy"/}"
  ok "the Dockerfile's publish ran: $publish"
  home=$(mktemp -d "${TMPDIR:-/tmp}/modelops-home-XXXXXX")
  (cd "$home" && exec dotnet "$out/${program#"$copy"/}" serve --urls http://127.0.0.1:0 --drain 0 >"$home/serve.log" 2>&1) &
  hub=$!
  address=""
  for _ in $(seq 1 300); do
    address=$(sed -n 's/^Listening on //p' "$home/serve.log" | head -n 1)
    [ -n "$address" ] && break
    kill -0 "$hub" 2>/dev/null || { cat "$home/serve.log" >&2; fail "the published hub exited before listening"; }
    sleep 0.1
  done
  [ -n "$address" ] || fail "the published hub did not listen within 30 s"
  for path in /health /_framework/blazor.web.js; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "$address$path")
    [ "$status" = 200 ] || fail "the published hub answered $status to $path"
  done
  kill "$hub"; wait "$hub" 2>/dev/null || true; hub=""
  rm -rf "$home"
  ok "the published hub serves /health and the UI's scripts"
fi

# --- 3. the compose file -----------------------------------------------------------------------------------------
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "skipped: the compose file (neither 'docker compose' nor docker-compose is installed; apt-get install docker-compose)"
  exit 0
fi
if env -u POSTGRES_PASSWORD -u MODELOPS_SECRET_KEY "${compose[@]}" -f "$COMPOSE" config >/dev/null 2>"${TMPDIR:-/tmp}/compose-err.$$"; then
  fail "$COMPOSE: starts without POSTGRES_PASSWORD and MODELOPS_SECRET_KEY"
fi
grep -q "set POSTGRES_PASSWORD" "${TMPDIR:-/tmp}/compose-err.$$" || { cat "${TMPDIR:-/tmp}/compose-err.$$" >&2; fail "$COMPOSE: refused for another reason than the missing secrets"; }
rm -f "${TMPDIR:-/tmp}/compose-err.$$"
config=$(POSTGRES_PASSWORD=check MODELOPS_SECRET_KEY=check "${compose[@]}" -f "$COMPOSE" config) || fail "$COMPOSE: '${compose[*]} config' refused it"
services=$(POSTGRES_PASSWORD=check MODELOPS_SECRET_KEY=check "${compose[@]}" -f "$COMPOSE" config --services | sort | tr '\n' ' ')
[ "$services" = "hub kafka postgres proxy worker " ] || fail "$COMPOSE: services are '$services', expected hub, kafka, postgres, proxy, worker"
hub_config=$(awk '/^  hub:/{on=1; next} /^  [a-z]/{on=0} on' <<<"$config")
grep -qE '^ +replicas: 2$' <<<"$hub_config" || fail "$COMPOSE: the hub does not have 2 replicas"
grep -qE 'MODELOPS_DATABASE_URL: postgresql://modelops:check@postgres:5432/modelops' <<<"$hub_config" || fail "$COMPOSE: the hub's MODELOPS_DATABASE_URL does not name the postgres service"
grep -qE '^ +image: postgres:15$' <<<"$config" || fail "$COMPOSE: PostgreSQL is not version 15"
grep -qE 'KAFKA_PROCESS_ROLES: broker,controller' <<<"$config" || fail "$COMPOSE: the Kafka broker is not in KRaft mode (broker,controller)"
ok "$COMPOSE parses ('${compose[*]} config'): hub x2, worker, PostgreSQL 15, Kafka (KRaft), proxy; refused without its secrets"
