// A CDK app whose every function gets wrapgen's layer and variables (cdk synth, or ts-node app.ts).
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { WrapgenAspect, wrapgenLayer } from "./wrapgen_cdk";

const app = new cdk.App();
const stack = new cdk.Stack(app, "WrapgenExample");
new lambda.Function(stack, "App", {
  runtime: new lambda.Runtime("nodejs22.x", lambda.RuntimeFamily.NODEJS),
  handler: "index.handler",
  code: lambda.Code.fromAsset("src"),
});
cdk.Aspects.of(stack).add(new WrapgenAspect(wrapgenLayer(stack)));
app.synth();
