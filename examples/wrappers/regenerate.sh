#!/bin/bash
# Regenerates the example wrappers in this directory; tests/test_examples.py checks they are current.
set -euo pipefail
cd "$(dirname "$0")"
wrapgen python --flag "-X importtime" -o python-importtime
wrapgen java --flag "-javaagent:/opt/wrapgen/agent.jar -XX:+PrintCommandLineFlags" --name java-agent -o java-agent
wrapgen node --flag "--require /opt/wrapgen/preload.js" --env OTEL_SERVICE_NAME=orders --name node-preload \
    -o node-preload
wrapgen dotnet --flag "--roll-forward LatestMajor" --name dotnet-roll-forward -o dotnet-roll-forward
wrapgen ruby --flag "--yjit" --then /opt/otel-instrument --name ruby-yjit-then-otel -o ruby-yjit-then-otel
