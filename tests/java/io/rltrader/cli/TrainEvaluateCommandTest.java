package io.rltrader.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.data.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train / evaluate / backtest through the command line: files, determinism, JSON output and errors. */
class TrainEvaluateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private Result train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--agent", "double-dqn", "--synthetic", "sine",
            "--bars", "600", "--steps", "4000", "--envs", "4", "--seed", "5", "--log-interval", "1000",
            "--set", "learningStarts=500", "--set", "hidden=[32,32]", "--out", out.toString(), "--quiet"));
        args.addAll(List.of(extra));
        return run(args.toArray(new String[0]));
    }

    @Test
    void sameSeedGivesIdenticalLogAndBitIdenticalCheckpoint() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Result first = train(a);
        assertEquals(0, first.code(), first.err());
        Result second = train(b);
        assertEquals(0, second.code(), second.err());
        for (String file : List.of("checkpoint/model.safetensors", "checkpoint/state.safetensors",
                "checkpoint/config.json", "config.json")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
        List<String> la = Files.readAllLines(a.resolve("train.jsonl"));
        List<String> lb = Files.readAllLines(b.resolve("train.jsonl"));
        assertEquals(4, la.size(), "one line per 1000 transitions");
        for (int i = 0; i < la.size(); i++) {
            ObjectNode x = (ObjectNode) JSON.readTree(la.get(i));
            ObjectNode y = (ObjectNode) JSON.readTree(lb.get(i));
            x.remove("transitions_per_s");
            y.remove("transitions_per_s");
            assertEquals(x, y, "train.jsonl line " + (i + 1));
        }
        JsonNode config = JSON.readTree(a.resolve("config.json").toFile());
        assertEquals(32, config.get("settings").get("hidden").get(0).asInt(), "--set reaches the resolved config");
        assertTrue(config.get("settings").get("doubleQ").asBoolean());
    }

    @Test
    void evaluateJsonHasMetricsOfTheAgentAndBaselinesAndWritesAReport() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, train(run).code());
        Path report = dir.resolve("report");
        Result r = run("evaluate", "--checkpoint", run.toString(), "--json", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = JSON.readTree(r.out());
        for (String key : List.of("total_return", "cagr", "ann_vol", "sharpe", "sortino", "max_drawdown", "calmar",
                "trades", "turnover", "fees_paid", "exposure", "win_rate", "avg_holding_bars")) {
            assertTrue(json.get("metrics").has(key), "metric " + key);
        }
        assertEquals(3, json.get("results").size());
        assertEquals("buy-and-hold", json.get("results").get(1).get("name").asText());
        for (String file : List.of("report.html", "report.json", "equity.png", "drawdown.png", "position.png",
                "training.png")) {
            assertTrue(Files.size(report.resolve(file)) > 100, file);
        }
        String html = Files.readString(report.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,") && !html.contains("src=\"http"), "self-contained html");
    }

    @Test
    void continuousAgentsTrainAndEvaluateOnTheContinuousEnvironment() throws Exception {
        Path run = dir.resolve("td3");
        Result trained = run("train", "--agent", "td3", "--synthetic", "sine", "--bars", "600", "--steps", "2000",
            "--envs", "4", "--set", "learningStarts=500", "--set", "hidden=[16,16]", "--out", run.toString(), "--quiet");
        assertEquals(0, trained.code(), trained.err());
        assertEquals("continuous", JSON.readTree(run.resolve("config.json").toFile()).get("env").asText());
        Result evaluated = run("evaluate", "--checkpoint", run.toString(), "--json");
        assertEquals(0, evaluated.code(), evaluated.err());
        assertEquals("td3", JSON.readTree(evaluated.out()).get("results").get(0).get("name").asText());

        Path ppo = dir.resolve("ppo");
        Result onPolicy = run("train", "--agent", "ppo", "--synthetic", "sine", "--bars", "600", "--steps", "2048",
            "--envs", "4", "--set", "nSteps=128", "--set", "hidden=[16,16]", "--out", ppo.toString(), "--quiet");
        assertEquals(0, onPolicy.code(), onPolicy.err());
        JsonNode line = JSON.readTree(Files.readAllLines(ppo.resolve("train.jsonl")).get(0));
        assertTrue(line.has("approx_kl") && line.has("clip_fraction") && line.has("explained_variance"), line.toString());
        Result ppoEvaluated = run("evaluate", "--checkpoint", ppo.toString(), "--json");
        assertEquals(0, ppoEvaluated.code(), ppoEvaluated.err());

        Result mismatch = run("train", "--agent", "sac", "--env", "discrete", "--synthetic", "sine", "--steps", "10",
            "--out", dir.resolve("m").toString());
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("continuous"), mismatch.err());
    }

    @Test
    void badInputIsOneClearLineAndNonZeroExit() throws Exception {
        Result unknownSetting = train(dir.resolve("x"), "--set", "learningRat=0.1");
        assertEquals(1, unknownSetting.code());
        assertTrue(unknownSetting.err().contains("'learningRat' is not a double-dqn setting"), unknownSetting.err());
        assertFalse(Files.exists(dir.resolve("x").resolve("config.json")), "nothing written for a refused run");

        Result badValue = train(dir.resolve("y"), "--set", "gamma=3");
        assertEquals(1, badValue.code());
        assertTrue(badValue.err().contains("gamma"), badValue.err());
        assertFalse(Files.exists(dir.resolve("y")), "an impossible setting is refused before anything is written");

        if (!io.rltrader.nn.NativeRuntime.cudaAvailable()) {
            Result cuda = train(dir.resolve("cuda"), "--device", "cuda");
            assertEquals(1, cuda.code());
            assertTrue(cuda.err().contains("--device cuda") && cuda.err().lines().count() == 1, cuda.err());
            assertFalse(Files.exists(dir.resolve("cuda")), "nothing written without the device");
        }

        Result unknownAgent = run("train", "--agent", "dqm", "--synthetic", "sine", "--steps", "10", "--out",
            dir.resolve("z").toString());
        assertEquals(1, unknownAgent.code());
        assertTrue(unknownAgent.err().contains("--agent 'dqm'"), unknownAgent.err());

        Result missing = run("evaluate", "--checkpoint", dir.resolve("nowhere").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nowhere") && missing.err().lines().count() == 1, missing.err());

        Result unknownFlag = run("backtest", "--data", TestData.path("ttrc.csv").toString(), "--strategy",
            "buy-and-hold", "--costs", "0.1");
        assertEquals(2, unknownFlag.code());
        assertTrue(unknownFlag.err().contains("--costs"), unknownFlag.err());

        Path run = dir.resolve("twice");
        assertEquals(0, train(run).code());
        Result again = train(run);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());

        Result complete = run("train", "--resume", run.toString(), "--quiet");
        assertEquals(1, complete.code());
        assertTrue(complete.err().contains("the run is complete"), complete.err());
        Result mixed = run("train", "--resume", run.toString(), "--steps", "10");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("remove --steps"), mixed.err());
        Result noOut = run("train", "--agent", "dqn", "--synthetic", "sine", "--steps", "10");
        assertEquals(2, noOut.code());
        assertTrue(noOut.err().contains("--out"), noOut.err());
        Result noAgent = run("train", "--synthetic", "sine", "--steps", "10", "--out", dir.resolve("w").toString());
        assertEquals(2, noAgent.code());
        assertTrue(noAgent.err().contains("--agent"), noAgent.err());
        Result nothing = run("train", "--resume", dir.resolve("nothing").toString());
        assertEquals(1, nothing.code());
        assertTrue(nothing.err().contains("--resume " + dir.resolve("nothing") + ": no config.json"), nothing.err());
    }

    @Test
    void walkForwardStitchesOneCurveWhoseReturnCompoundsTheWindows() throws Exception {
        Result r = run("walkforward", "--agent", "dqn", "--synthetic", "sine", "--bars", "900", "--train-bars", "400",
            "--test-bars", "150", "--steps", "1500", "--envs", "4", "--set", "learningStarts=300",
            "--set", "hidden=[16,16]", "--json", "--report", dir.resolve("wf").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = JSON.readTree(r.out());
        assertEquals(3, json.get("windows").asInt(), "(900 - 400) / 150 windows");
        assertTrue(json.get("metrics").has("sharpe") && json.has("buy_and_hold"));
        assertTrue(Files.size(dir.resolve("wf").resolve("report.html")) > 1000);

        Result overlapping = run("walkforward", "--agent", "dqn", "--synthetic", "sine", "--train-bars", "400",
            "--test-bars", "150", "--step", "100", "--steps", "100");
        assertEquals(1, overlapping.code());
        assertTrue(overlapping.err().contains("--step 100"), overlapping.err());
    }

    @Test
    void backtestJsonMetricsMatchTheReferenceForBuyAndHold() throws Exception {
        Result r = run("backtest", "--data", TestData.path("ttrc.csv").toString(), "--strategy", "buy-and-hold",
            "--cost", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode m = JSON.readTree(r.out()).get("metrics");
        assertEquals(15.8668831169, m.get("total_return").asDouble(), 1e-9);
        assertEquals(0.2401181895, m.get("calmar").asDouble(), 1e-9);
        assertEquals(1, m.get("trades").asInt());
    }
}
