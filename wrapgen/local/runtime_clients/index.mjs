// wrapgen try's stand-in for Lambda's /var/runtime/index.mjs on nodejs18.x and nodejs20.x, whose runtime client
// is AWS's aws-lambda-ric 3.x. Lambda's bootstrap execs node with the runtime's options and this file, no
// argument after it: the function's directory and its handler come from the environment (LAMBDA_TASK_ROOT,
// _HANDLER), which the wrapper may have changed. wrapgen places this file at the runtime directory's index.mjs,
// beside node_modules/aws-lambda-ric (the real package, 3.x: its module exports run(appRoot, handler)).
// aws-lambda-ric 4.x ships an index.mjs of its own that reads the same variables: wrapgen runs that one.

import { run } from "aws-lambda-ric";

await run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);
