package dev.sentinel.chaos;

import dev.sentinel.testing.OpenAiStub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What the chaos-chain agent (src/test/resources/chaos/agents/chaos-chain.yaml) must produce for
 * a seed, computed here with plain string operations rather than Sentinel's templates, so a bug in
 * the engine cannot hide by computing the expectation the same wrong way.
 */
final class ChainAgentModel {

  static final String AGENT = "chaos-chain";
  /** The nodes in the order they run: step k is NODES.get(k - 1). */
  static final List<String> NODES = List.of("s1", "ask2", "s3", "s4", "ask5", "s6");
  static final int STEPS = NODES.size();

  private static final String MODEL = "gpt-4o-mini";
  private static final String SYSTEM = "You extend chains.";

  private ChainAgentModel() {}

  /** The task's final result (the agent's result template) for this seed. */
  static JsonObject expectedResult(String seed) {
    String s1 = seed + ":1";
    String ask2 = stubAnswer("step 2 of " + s1);
    String s3 = s1 + "|" + ask2 + ":3";
    String s4 = s3 + ":4";
    String ask5 = stubAnswer("step 5 of " + s4);
    String s6 = s4 + "|" + ask5 + ":6";
    return new JsonObject().put("chain", s6).put("s1", s1).put("ask2", ask2).put("s3", s3).put("s4", s4).put("ask5", ask5);
  }

  /** The stub's answer is a pure function of model and messages (see OpenAiStub#answerFor). */
  private static String stubAnswer(String prompt) {
    return OpenAiStub.answerFor(new JsonObject().put("model", MODEL).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", SYSTEM))
        .add(new JsonObject().put("role", "user").put("content", prompt))));
  }
}
