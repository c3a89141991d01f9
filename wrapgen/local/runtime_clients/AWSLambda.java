// wrapgen's stand-in for the Java runtime interface client's main class, for `wrapgen try` (compiled once with the
// JDK's javac into wrapgen's cache). It speaks the Runtime API (AWS_LAMBDA_RUNTIME_API) with java.net.http:
// loads the handler (its first argument, as AWS's java17+ client reads it: AWSLambda.main -> startRuntime(args[0]);
// lambdainternal.AWSLambda, java8/11's main class, reads _HANDLER: Class or Class::method, method default
// handleRequest) from the class path, then for the one event calls method(String event) or
// method(String event, Object context) with context null, or method(), and posts the result: a String as a JSON
// string, null as null, anything else as its toString() in a JSON string. No POJO or Map (de)serialisation.
package com.amazonaws.services.lambda.runtime.api.client;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

public final class AWSLambda {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static String base;

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? args[0] : null);
    }

    public static void run(String handler) throws Exception {
        if (handler == null) {
            System.err.println("Init error: no handler (java17+'s main class takes it as its first argument)");
            System.exit(1);
        }
        base = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
        Object target = null;
        Method method = null;
        try {
            int sep = handler.indexOf("::");
            String className = sep < 0 ? handler : handler.substring(0, sep);
            String methodName = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
            Class<?> type = Class.forName(className, true, AWSLambda.class.getClassLoader());
            method = find(type, methodName);
            if (!Modifier.isStatic(method.getModifiers())) {
                target = type.getDeclaredConstructor().newInstance();
            }
        } catch (Throwable e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            System.err.println("Init error: " + cause);
            post("/init/error", error(cause), "Runtime." + cause.getClass().getSimpleName());
            System.exit(1);
        }
        while (true) {
            HttpRequest next = HttpRequest.newBuilder(URI.create(base + "/invocation/next")).GET().build();
            HttpResponse<String> event = CLIENT.send(next, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String id = event.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElse("");
            try {
                Object result;
                int count = method.getParameterCount();
                if (count == 0) {
                    result = method.invoke(target);
                } else if (count == 1) {
                    result = method.invoke(target, event.body());
                } else {
                    result = method.invoke(target, event.body(), null);
                }
                post("/invocation/" + id + "/response", result == null ? "null" : quote(result.toString()), null);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                System.err.println("Error: " + cause);
                post("/invocation/" + id + "/error", error(cause), "Function." + cause.getClass().getSimpleName());
            }
        }
    }

    private static Method find(Class<?> type, String name) throws NoSuchMethodException {
        Method found = null;
        for (Method candidate : type.getMethods()) {
            int count = candidate.getParameterCount();
            if (candidate.getName().equals(name) && count <= 2
                    && (count == 0 || candidate.getParameterTypes()[0].isAssignableFrom(String.class))
                    && (found == null || count > found.getParameterCount())) {
                found = candidate;
            }
        }
        if (found == null) {
            throw new NoSuchMethodException(type.getName() + "::" + name + " taking (String) or (String, Object)");
        }
        return found;
    }

    private static void post(String path, String body, String errorType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (errorType != null) {
            request.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String error(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        StringBuilder stack = new StringBuilder("[");
        for (String line : trace.toString().split("\n")) {
            if (stack.length() > 1) {
                stack.append(',');
            }
            stack.append(quote(line.strip()));
        }
        return "{\"errorMessage\":" + quote(String.valueOf(e.getMessage())) + ",\"errorType\":"
                + quote(e.getClass().getName()) + ",\"stackTrace\":" + stack.append(']') + "}";
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
