// wrapgen's stand-in for java8.al2 and java11's main class, lambdainternal.AWSLambda, for `wrapgen try`: like
// AWS's, it takes the handler from _HANDLER (its arguments are not read), then runs it as the java17+ stand-in does.
package lambdainternal;

public final class AWSLambda {
    public static void main(String[] args) throws Exception {
        com.amazonaws.services.lambda.runtime.api.client.AWSLambda.run(System.getenv("_HANDLER"));
    }
}
