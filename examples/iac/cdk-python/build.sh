#!/bin/bash
# Builds the layer and wrapgen_cdk.py with wrapgen (tests/test_examples.py runs these lines); app.py uses it.
set -euo pipefail
cd "$(dirname "$0")"
wrapgen python --preset importtime --layer build/wrapgen-python.zip --iac cdk-python > wrapgen_cdk.py
