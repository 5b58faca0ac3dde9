package dev.imageclassifier.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a clean stop on SIGTERM or SIGINT and lets the command return its own exit code afterwards. A JVM
 * ended by a signal exits with 128 + the signal (143 for SIGTERM) whatever its shutdown hooks do, while
 * supervisors (systemd, Docker, Kubernetes) read anything but 0 as a failed stop. The JDK's signal API
 * ({@code sun.misc.Signal}, module jdk.unsupported, used by servers such as Netty and Elasticsearch for the
 * same reason) has no public replacement; it is reached by reflection because a compile-time reference draws
 * an "internal proprietary API" warning. Without it, a shutdown hook does the stop and the exit code is 143.
 */
final class Termination {

    private Termination() {
    }

    /** Calls {@code stop} once, on the first SIGTERM or SIGINT. */
    static void onSignal(Runnable stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable once = () -> {
            if (stopping.compareAndSet(false, true)) {
                stop.run();
            }
        };
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(Termination.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            once.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "Termination handler";
                    });
            Constructor<?> named = signal.getConstructor(String.class);
            Method handle = signal.getMethod("handle", signal, handlerType);
            for (String name : List.of("TERM", "INT")) {
                handle.invoke(null, named.newInstance(name), handler);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Runtime.getRuntime().addShutdownHook(new Thread(once, "shutdown"));
        }
    }
}
