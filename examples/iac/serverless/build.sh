#!/bin/bash
# Builds the layer and serverless.yml with wrapgen (tests/test_examples.py runs these lines).
set -euo pipefail
cd "$(dirname "$0")"
wrapgen node --preset source-maps --layer build/wrapgen-node.zip --iac serverless > serverless.yml
