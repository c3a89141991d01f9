"""A CDK app whose every function gets wrapgen's layer and variables (cdk synth, or python app.py)."""

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from wrapgen_cdk import WrapgenAspect, wrapgen_layer

app = cdk.App()
stack = cdk.Stack(app, "WrapgenExample")
lambda_.Function(
    stack,
    "App",
    runtime=lambda_.Runtime("python3.13", lambda_.RuntimeFamily.PYTHON),
    handler="app.handler",
    code=lambda_.Code.from_asset("src"),
)
cdk.Aspects.of(stack).add(WrapgenAspect(wrapgen_layer(stack)))
app.synth()
