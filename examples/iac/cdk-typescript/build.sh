#!/bin/bash
# Builds the layer and wrapgen_cdk.ts with wrapgen (tests/test_examples.py runs these lines); app.ts uses it.
set -euo pipefail
cd "$(dirname "$0")"
wrapgen node --preset source-maps --layer build/wrapgen-node.zip --iac cdk-typescript > wrapgen_cdk.ts
