# syntax=docker/dockerfile:1
# The ModelOps image: one `modelops` for the hub (`serve`), workers (`worker`) and jobs (`run`, `demo`).
#   docker build -t modelops .
#   docker run --rm -p 8080:8080 -v modelops:/home/app/.modelops modelops
# Checked without a Docker engine by deploy/check.sh (stages, user, entrypoint, health check, and the same
# `dotnet publish` this file runs), which the test suite runs.

# Build stage: the SDK restores and publishes the CLI (the hub, the UI's static assets and the jobs are in it).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt ModelOps.slnx ./
COPY src/ src/
COPY data/ data/
COPY configs/ configs/
RUN dotnet publish src/ModelOps.Cli/ModelOps.Cli.csproj -c Release -o /app --nologo

# Runtime stage: the ASP.NET Core runtime only, as the image's non-root user `app`.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The published app carries the demo's configs and data (demo/): `modelops demo` copies them into its folder.
COPY --from=build /app /opt/modelops
USER app
WORKDIR /home/app
# The embedded store (SQLite file, artifacts, master key) lives here unless MODELOPS_DATABASE_URL names PostgreSQL.
RUN mkdir -p /home/app/.modelops
VOLUME ["/home/app/.modelops"]
ENV ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
# /health answers 200 while the hub serves and 503 while it stops (no curl in the image: bash's /dev/tcp).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/opt/modelops/modelops.dll"]
CMD ["serve", "--urls", "http://0.0.0.0:8080"]
