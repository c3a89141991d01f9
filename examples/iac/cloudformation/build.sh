#!/bin/bash
# Builds the layer and the CloudFormation template with wrapgen (tests/test_examples.py runs these lines).
# Deploy: aws s3 cp build/wrapgen-node.zip s3://BUCKET/wrapgen-node.zip, then pass LayerBucket and LayerKey.
set -euo pipefail
cd "$(dirname "$0")"
wrapgen node --preset source-maps --layer build/wrapgen-node.zip --iac cloudformation > template.yaml
