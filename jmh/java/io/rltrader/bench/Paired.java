package io.rltrader.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Two benchmarks measured in alternating slices in one JVM, for comparisons that the machine's
 * drift would swamp if they were measured one after the other: a benchmark against its GEMM
 * floor, or two versions of the same code. Each round runs one slice of each (ABBA order: A first in
 * even rounds, B first in odd ones), so a slow spell of the machine falls on both; the figure to
 * read is the median over rounds of the per-round ratio {@code time(A) / time(B)}, with its
 * quartiles.
 *
 * <p>The benchmarks are ordinary JMH benchmark methods, run without JMH's harness: their
 * {@link State} objects (the benchmark's own class, and any state its method takes as parameters)
 * are made once per JVM and shared between the two when they are of the same class, their
 * {@link Param} fields set to the first declared value unless {@code -p name=value} says otherwise,
 * their trial {@link Setup}s run once and their iteration setups before every slice, on the
 * measuring thread as under JMH. Calls go through method handles that the JIT does not inline into
 * the loop (about 10 ns each), so the figures suit operations of a microsecond or more; methods that
 * take a {@code Blackhole} or have invocation-level fixtures are refused.
 *
 * <p>Run it with {@code tools/bench --pair A B}, where A and B are {@code Class.method} or
 * {@code package.Class.method}.
 */
public final class Paired {
    /** Rounds measured, slice length and warm-up rounds when the command line does not say. */
    static final int DEFAULT_ROUNDS = 30;
    static final long DEFAULT_SLICE_MS = 200;
    static final int DEFAULT_WARMUP_ROUNDS = 10;

    private Paired() {
    }

    /** Per-round times of the two benchmarks, in nanoseconds per operation. */
    public record Result(String first, String second, double[] firstNanos, double[] secondNanos) {
        public double[] ratios() {
            double[] ratios = new double[firstNanos.length];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = firstNanos[i] / secondNanos[i];
            }
            return ratios;
        }
    }

    public static void main(String[] args) throws Throwable {
        try {
            run(args);
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Throwable {
        List<String> names = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        int rounds = DEFAULT_ROUNDS;
        int warmup = DEFAULT_WARMUP_ROUNDS;
        long sliceMs = DEFAULT_SLICE_MS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--rounds" -> rounds = positive(arg, value(args, ++i, arg));
                case "--warmup" -> warmup = nonNegative(arg, value(args, ++i, arg));
                case "--slice-ms" -> sliceMs = positive(arg, value(args, ++i, arg));
                case "-p" -> {
                    String setting = value(args, ++i, arg);
                    int eq = setting.indexOf('=');
                    if (eq <= 0) {
                        throw usage("-p takes name=value, got '" + setting + "'");
                    }
                    params.put(setting.substring(0, eq), setting.substring(eq + 1));
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw usage("unknown option '" + arg + "'");
                    }
                    names.add(arg);
                }
            }
        }
        if (names.size() != 2) {
            throw usage("expected two benchmarks, got " + names.size() + ": " + names);
        }
        List<BenchmarkListEntry> known = new ArrayList<>(BenchmarkList.defaultList()
            .getAll(OutputFormatFactory.createFormatInstance(System.err, VerboseMode.SILENT), List.of()));
        Method first = resolve(names.get(0), known);
        Method second = resolve(names.get(1), known);
        Pair pair = new Pair(first, second, params, System::nanoTime);
        System.out.printf(Locale.ROOT, "paired: %s vs %s, %d rounds of %d ms each after %d warm-up rounds, %s, %s%n",
            label(first), label(second), rounds, sliceMs, warmup, BenchReport.cpuModel(), LocalDate.now());
        if (!pair.parameters().isEmpty()) {
            System.out.println("  parameters: " + pair.parameters());
        }
        Result result;
        try {
            result = pair.run(warmup, rounds, sliceMs * 1_000_000L);
        } finally {
            pair.tearDown();
        }
        System.out.print(report(result));
    }

    /** The text {@link #main} prints for a result: each benchmark's median and quartiles, then the ratio's. */
    static String report(Result result) {
        StringBuilder out = new StringBuilder();
        line(out, result.first(), micros(result.firstNanos()), "us/op");
        line(out, result.second(), micros(result.secondNanos()), "us/op");
        line(out, "ratio", result.ratios(), "");
        return out.toString();
    }

    private static void line(StringBuilder out, String name, double[] values, String unit) {
        String suffix = unit.isEmpty() ? "" : " " + unit;
        out.append(String.format(Locale.ROOT, "  %-48s median %.3f%s (quartiles %.3f-%.3f, min %.3f, max %.3f)%n", name,
            percentile(values, 0.5), suffix, percentile(values, 0.25), percentile(values, 0.75),
            percentile(values, 0), percentile(values, 1)));
    }

    private static double[] micros(double[] nanos) {
        double[] micros = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            micros[i] = nanos[i] / 1000.0;
        }
        return micros;
    }

    /**
     * The {@code p}-quantile of {@code values} by linear interpolation between order statistics
     * (R's default, type 7): {@code h = (n - 1) p}, {@code x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])}.
     */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile " + p + " outside [0, 1]");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * p;
        int low = (int) Math.floor(h);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
    }

    /** {@code Class.method} or {@code package.Class.method}, among the benchmarks JMH compiled. */
    static Method resolve(String name, List<BenchmarkListEntry> known) throws ClassNotFoundException {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            throw usage("benchmark '" + name + "': expected Class.method");
        }
        String className = name.substring(0, dot);
        String methodName = name.substring(dot + 1);
        Set<String> matches = new LinkedHashSet<>();
        for (BenchmarkListEntry entry : known) {
            String qualified = entry.getUserClassQName();
            boolean classMatches = qualified.equals(className) || qualified.endsWith("." + className);
            if (classMatches && entry.getUsername().equals(qualified + "." + methodName)) {
                matches.add(qualified);
            }
        }
        if (matches.isEmpty()) {
            throw usage("no benchmark '" + name + "' among the " + known.size() + " compiled ones");
        }
        if (matches.size() > 1) {
            throw usage("benchmark '" + name + "' is ambiguous: " + matches);
        }
        return benchmarkMethod(Class.forName(matches.iterator().next()), methodName);
    }

    /** The {@link Benchmark} method {@code name} of {@code type}. */
    static Method benchmarkMethod(Class<?> type, String name) {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.isAnnotationPresent(Benchmark.class)) {
                return method;
            }
        }
        throw usage(type.getName() + " has no @Benchmark method '" + name + "'");
    }

    private static String label(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw usage(option + " needs a value");
        }
        return args[index];
    }

    private static int positive(String option, String text) {
        int value = nonNegative(option, text);
        if (value == 0) {
            throw usage(option + " must be positive, got 0");
        }
        return value;
    }

    private static int nonNegative(String option, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw usage(option + " must be >= 0, got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw usage(option + " takes a whole number, got '" + text + "'");
        }
    }

    private static UsageException usage(String message) {
        return new UsageException("tools/bench --pair: " + message);
    }

    /** A command line, benchmark name or parameter that cannot be run: printed without a stack trace. */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The two benchmarks bound to their states, ready to run in slices. */
    static final class Pair {
        private final Map<Class<?>, Object> states = new IdentityHashMap<>();
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Set<String> unusedParameters;
        private final Target first;
        private final Target second;
        private final LongSupplier clock;

        Pair(Method first, Method second, Map<String, String> params, LongSupplier clock) throws ReflectiveOperationException {
            this.clock = clock;
            this.unusedParameters = new LinkedHashSet<>(params.keySet());
            this.first = bind(first, params);
            this.second = bind(second, params);
            if (!unusedParameters.isEmpty()) {
                throw usage("no @Param field named " + unusedParameters + " in the states of "
                    + label(first) + " and " + label(second));
            }
        }

        /** The parameter values in use, by name. */
        Map<String, String> parameters() {
            return parameters;
        }

        private Target bind(Method method, Map<String, String> params) throws ReflectiveOperationException {
            if (Modifier.isStatic(method.getModifiers())) {
                throw usage(label(method) + " is static; only instance benchmark methods are supported");
            }
            Object self = state(method.getDeclaringClass(), params);
            Class<?>[] types = method.getParameterTypes();
            Object[] arguments = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                if (!types[i].isAnnotationPresent(State.class)) {
                    throw usage(label(method) + " takes a " + types[i].getSimpleName()
                        + "; only @State parameters are supported (no Blackhole)");
                }
                arguments[i] = state(types[i], params);
            }
            MethodHandle handle = MethodHandles.publicLookup().unreflect(method).bindTo(self);
            handle = MethodHandles.insertArguments(handle, 0, arguments);
            handle = MethodHandles.dropReturn(handle).asType(MethodType.methodType(void.class));
            List<Object> states = new ArrayList<>();
            states.add(self);
            states.addAll(Arrays.asList(arguments));
            return new Target(label(method), handle, states);
        }

        /** The one instance of state class {@code type}: made, parameterized and set up on first use. */
        private Object state(Class<?> type, Map<String, String> params) throws ReflectiveOperationException {
            Object existing = states.get(type);
            if (existing != null) {
                return existing;
            }
            if (!type.isAnnotationPresent(State.class)) {
                throw usage(type.getName() + " is not a JMH @State class");
            }
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            Object state = constructor.newInstance();
            for (Field field : type.getFields()) {
                Param param = field.getAnnotation(Param.class);
                if (param == null) {
                    continue;
                }
                String text = params.containsKey(field.getName()) ? params.get(field.getName())
                    : param.value().length > 0 ? param.value()[0] : null;
                if (text == null) {
                    throw usage(type.getSimpleName() + "." + field.getName() + " has no default; give -p "
                        + field.getName() + "=VALUE");
                }
                unusedParameters.remove(field.getName());
                field.set(state, convert(field, text));
                parameters.put(field.getName(), text);
            }
            for (Method method : type.getMethods()) {
                Setup setup = method.getAnnotation(Setup.class);
                TearDown tearDown = method.getAnnotation(TearDown.class);
                if ((setup != null && setup.value() == Level.Invocation)
                        || (tearDown != null && tearDown.value() == Level.Invocation)) {
                    throw usage(type.getSimpleName() + "." + method.getName()
                        + " is an invocation-level fixture; paired runs support trial and iteration levels");
                }
            }
            for (Method method : fixtures(type, Setup.class, Level.Trial)) {
                invoke(method, state);
            }
            states.put(type, state);
            return state;
        }

        private static Object convert(Field field, String text) {
            Class<?> type = field.getType();
            try {
                if (type == int.class) {
                    return Integer.parseInt(text);
                } else if (type == long.class) {
                    return Long.parseLong(text);
                } else if (type == double.class) {
                    return Double.parseDouble(text);
                } else if (type == boolean.class) {
                    return Boolean.parseBoolean(text);
                } else if (type == String.class) {
                    return text;
                } else if (type.isEnum()) {
                    return enumValue(type, text);
                }
            } catch (IllegalArgumentException e) {
                throw usage("-p " + field.getName() + "=" + text + ": not a " + type.getSimpleName());
            }
            throw usage("@Param " + field.getName() + " of type " + type.getSimpleName() + " is not supported");
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Object enumValue(Class<?> type, String text) {
            return Enum.valueOf((Class) type, text);
        }

        /** Warm-up rounds (discarded), then {@code rounds} measured ones; slices of {@code sliceNanos}. */
        Result run(int warmupRounds, int rounds, long sliceNanos) throws Throwable {
            double[] a = new double[rounds];
            double[] b = new double[rounds];
            for (int round = -warmupRounds; round < rounds; round++) {
                boolean firstLeads = (round & 1) == 0;
                double x = (firstLeads ? first : second).slice(sliceNanos);
                double y = (firstLeads ? second : first).slice(sliceNanos);
                if (round >= 0) {
                    a[round] = firstLeads ? x : y;
                    b[round] = firstLeads ? y : x;
                }
            }
            return new Result(first.name, second.name, a, b);
        }

        /** Runs every state's trial teardowns once. */
        void tearDown() throws ReflectiveOperationException {
            for (Map.Entry<Class<?>, Object> entry : states.entrySet()) {
                for (Method method : fixtures(entry.getKey(), TearDown.class, Level.Trial)) {
                    invoke(method, entry.getValue());
                }
            }
        }

        /** A fixture method and the state it runs on. */
        private record Fixture(Object state, Method method) {
        }

        /** One benchmark method bound to its states. */
        private final class Target {
            private final String name;
            private final MethodHandle call;
            /** The iteration-level setups and teardowns of the benchmark's states, found once. */
            private final List<Fixture> setups = new ArrayList<>();
            private final List<Fixture> tearDowns = new ArrayList<>();
            /** Calls between two clock reads, grown so that a slice reads the clock about a hundred times. */
            private long callsPerRead = 1;

            Target(String name, MethodHandle call, List<Object> states) {
                this.name = name;
                this.call = call;
                for (Object state : states) {
                    for (Method method : fixtures(state.getClass(), Setup.class, Level.Iteration)) {
                        setups.add(new Fixture(state, method));
                    }
                    for (Method method : fixtures(state.getClass(), TearDown.class, Level.Iteration)) {
                        tearDowns.add(new Fixture(state, method));
                    }
                }
            }

            /** Iteration setups, then calls for {@code sliceNanos}; nanoseconds per call. */
            double slice(long sliceNanos) throws Throwable {
                for (Fixture fixture : setups) {
                    invoke(fixture.method(), fixture.state());
                }
                long calls = 0;
                long start = clock.getAsLong();
                long elapsed;
                do {
                    for (long i = 0; i < callsPerRead; i++) {
                        call.invokeExact();
                    }
                    calls += callsPerRead;
                    elapsed = clock.getAsLong() - start;
                } while (elapsed < sliceNanos);
                for (Fixture fixture : tearDowns) {
                    invoke(fixture.method(), fixture.state());
                }
                callsPerRead = Math.max(1, calls / 100);
                return (double) elapsed / calls;
            }
        }

        private static List<Method> fixtures(Class<?> type, Class<? extends java.lang.annotation.Annotation> kind,
                Level level) {
            List<Method> methods = new ArrayList<>();
            for (Method method : type.getMethods()) {
                java.lang.annotation.Annotation annotation = method.getAnnotation(kind);
                Level at = annotation instanceof Setup setup ? setup.value()
                    : annotation instanceof TearDown tearDown ? tearDown.value() : null;
                if (at == level) {
                    if (method.getParameterCount() > 0) {
                        throw usage(type.getSimpleName() + "." + method.getName()
                            + " takes JMH's parameters; paired runs call fixtures without arguments");
                    }
                    methods.add(method);
                }
            }
            methods.sort((x, y) -> x.getName().compareTo(y.getName()));
            return methods;
        }

        private static void invoke(Method method, Object target) throws ReflectiveOperationException {
            try {
                method.invoke(target);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw e;
            }
        }
    }
}
