package dev.sentinel.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {{placeholders}} over the task state, conditions on it, and how a graph picks its next node. */
class TemplateAndConditionTest {

  static final JsonObject STATE = new JsonObject()
      .put("query", "why is the sky blue")
      .put("n", 3)
      .put("ratio", 0.5)
      .put("flag", true)
      .put("search", new JsonObject().put("text", "Rayleigh scattering").put("usage", new JsonObject().put("tokens", 12)))
      .put("items", new JsonArray().add("first").add(new JsonObject().put("name", "second")).add(new JsonArray().add(7)))
      .put("topic", "optics")
      .put("empty", "")
      .putNull("nothing");

  // ---- Template.render ----

  @Test void placeholdersAreReplacedByStateValues() {
    assertThat(Template.render("Q: {{query}} ({{n}}, {{ratio}}, {{flag}})", STATE)).isEqualTo("Q: why is the sky blue (3, 0.5, true)");
    assertThat(Template.render("{{ search.text }}!", STATE)).isEqualTo("Rayleigh scattering!");
    assertThat(Template.render("{{search.usage.tokens}}", STATE)).isEqualTo("12");
    assertThat(Template.render("no placeholders", STATE)).isEqualTo("no placeholders");
    assertThat(Template.render("", STATE)).isEmpty();
    assertThat(Template.render(null, STATE)).isNull();
  }

  @Test void aMissingValueRendersAsEmpty() {
    assertThat(Template.render("[{{missing}}]", STATE)).isEqualTo("[]");
    assertThat(Template.render("[{{search.missing.deeper}}]", STATE)).isEqualTo("[]");
    assertThat(Template.render("[{{query.length}}]", STATE)).as("a path through a string").isEqualTo("[]");
    assertThat(Template.render("[{{nothing}}]", STATE)).as("an explicit null").isEqualTo("[]");
    assertThat(Template.render("[{{x}}]", new JsonObject())).isEqualTo("[]");
  }

  @Test void objectsAndArraysRenderAsJson() {
    String obj = Template.render("{{search}}", STATE);
    assertThat(new JsonObject(obj)).isEqualTo(STATE.getJsonObject("search"));
    String arr = Template.render("items={{items}}", STATE);
    assertThat(new JsonArray(arr.substring("items=".length()))).isEqualTo(STATE.getJsonArray("items"));
  }

  @Test void alternativesTakeTheFirstPathWithAValue() {
    assertThat(Template.render("{{query|prompt|topic}}", STATE)).isEqualTo("why is the sky blue");
    assertThat(Template.render("{{prompt|topic}}", STATE)).isEqualTo("optics");
    assertThat(Template.render("{{prompt|nothing|topic}}", STATE)).as("null counts as missing").isEqualTo("optics");
    assertThat(Template.render("{{prompt|other}}", STATE)).isEmpty();
  }

  @Test void arrayIndexesArePathParts() {
    assertThat(Template.render("{{items.0}}", STATE)).isEqualTo("first");
    assertThat(Template.render("{{items.1.name}}", STATE)).isEqualTo("second");
    assertThat(Template.render("{{items.2.0}}", STATE)).isEqualTo("7");
    assertThat(Template.render("[{{items.3}}]", STATE)).as("out of range").isEqualTo("[]");
    assertThat(Template.render("[{{items.x}}]", STATE)).isEqualTo("[]");
    assertThat(Template.render("[{{items.-1}}]", STATE)).isEqualTo("[]");
  }

  @Test void valuesAreInsertedLiterallyAndNotRenderedAgain() {
    JsonObject s = new JsonObject().put("price", "$1 and \\2 $0").put("inject", "{{secret}}").put("secret", "s3cr3t");
    assertThat(Template.render("cost: {{price}}", s)).isEqualTo("cost: $1 and \\2 $0");
    assertThat(Template.render("say {{inject}}", s)).isEqualTo("say {{secret}}");
    assertThat(Template.renderJson("{{inject}}", s)).isEqualTo("{{secret}}");
  }

  @Test void textThatIsNotAPlaceholderIsKept() {
    assertThat(Template.render("{{}} {{ }} {single} {{a b}} {{a$b}}", STATE)).isEqualTo("{{}} {{ }} {single} {{a b}} {{a$b}}");
    assertThat(Template.render("{{{query}}}", STATE)).isEqualTo("{why is the sky blue}");
  }

  // ---- Template.renderJson ----

  @Test void aWholePlaceholderKeepsTheValuesType() {
    assertThat(Template.renderJson("{{n}}", STATE)).isEqualTo(3);
    assertThat(Template.renderJson("{{ratio}}", STATE)).isEqualTo(0.5);
    assertThat(Template.renderJson("{{flag}}", STATE)).isEqualTo(true);
    assertThat(Template.renderJson("{{search}}", STATE)).isEqualTo(STATE.getJsonObject("search"));
    assertThat(Template.renderJson("{{items}}", STATE)).isEqualTo(STATE.getJsonArray("items"));
    assertThat(Template.renderJson("{{ items.1 }}", STATE)).isEqualTo(new JsonObject().put("name", "second"));
    // not the whole string: text
    assertThat(Template.renderJson("n={{n}}", STATE)).isEqualTo("n=3");
    assertThat(Template.renderJson("{{n}}{{n}}", STATE)).isEqualTo("33");
  }

  @Test void jsonTemplatesRenderEveryStringInside() {
    JsonObject template = new JsonObject()
        .put("q", "{{query}}")
        .put("count", "{{n}}")
        .put("nested", new JsonObject().put("list", new JsonArray().add("{{items.0}}").add("{{n}}").add(5).add(false).addNull()))
        .put("literal", 42)
        .put("missing", "x{{missing}}y");
    Object out = Template.renderJson(template, STATE);
    assertThat(out).isEqualTo(new JsonObject()
        .put("q", "why is the sky blue")
        .put("count", 3)
        .put("nested", new JsonObject().put("list", new JsonArray().add("first").add(3).add(5).add(false).addNull()))
        .put("literal", 42)
        .put("missing", "xy"));
    assertThat(template.getString("q")).as("the template itself is untouched").isEqualTo("{{query}}");
    assertThat(Template.renderJson(7, STATE)).isEqualTo(7);
    assertThat(Template.renderJson(null, STATE)).isNull();
  }

  // ---- Template.lookup ----

  @Test void lookupReadsPathsAndAlternatives() {
    assertThat(Template.lookup(STATE, "search.usage.tokens")).isEqualTo(12);
    assertThat(Template.lookup(STATE, "nope|search.text")).isEqualTo("Rayleigh scattering");
    assertThat(Template.lookup(STATE, "empty|topic")).as("an empty string is a value").isEqualTo("");
    assertThat(Template.lookup(STATE, "nope")).isNull();
  }

  // ---- Condition ----

  private static boolean test(String path, String op, Object value) {
    return new Condition(path, op, value).test(STATE);
  }

  @Test void equalsComparesValuesAndNumbersByValue() {
    assertThat(test("topic", "equals", "optics")).isTrue();
    assertThat(test("topic", "equals", "Optics")).isFalse();
    assertThat(test("n", "equals", 3)).isTrue();
    assertThat(test("n", "equals", 3.0)).as("1 vs 1.0").isTrue();
    assertThat(test("n", "equals", 3L)).isTrue();
    assertThat(test("ratio", "equals", 0.5f)).isTrue();
    assertThat(new Condition("x", "equals", 1).test(new JsonObject().put("x", 1.0))).isTrue();
    assertThat(test("n", "equals", 4)).isFalse();
    assertThat(test("flag", "equals", true)).isTrue();
    assertThat(test("search.usage.tokens", "equals", 12)).isTrue();
    assertThat(test("search", "equals", new JsonObject().put("text", "Rayleigh scattering")
        .put("usage", new JsonObject().put("tokens", 12)))).isTrue();
    assertThat(test("missing", "equals", "x")).isFalse();
  }

  @Test void notEqualsIsTheOpposite() {
    assertThat(test("topic", "not_equals", "optics")).isFalse();
    assertThat(test("topic", "not_equals", "acoustics")).isTrue();
    assertThat(test("n", "not_equals", 3.0)).isFalse();
    assertThat(test("missing", "not_equals", "x")).isTrue();
  }

  @Test void containsIsCaseInsensitive() {
    assertThat(test("search.text", "contains", "scatter")).isTrue();
    assertThat(test("search.text", "contains", "RAYLEIGH")).isTrue();
    assertThat(new Condition("t", "contains", "urgent").test(new JsonObject().put("t", "This is URGENT!"))).isTrue();
    assertThat(test("search.text", "contains", "mie")).isFalse();
    assertThat(test("missing", "contains", "")).as("a missing value contains nothing").isFalse();
    assertThat(test("n", "contains", 3)).isTrue();
  }

  @Test void existsIsTrueForAnyValueButNull() {
    assertThat(test("topic", "exists", null)).isTrue();
    assertThat(test("empty", "exists", null)).isTrue();
    assertThat(test("flag", "exists", null)).isTrue();
    assertThat(test("items.1.name", "exists", null)).isTrue();
    assertThat(test("missing", "exists", null)).isFalse();
    assertThat(test("nothing", "exists", null)).isFalse();
  }

  @Test void gtAndLtCompareNumbers() {
    assertThat(test("n", "gt", 2)).isTrue();
    assertThat(test("n", "gt", 2.9)).isTrue();
    assertThat(test("n", "gt", 3)).isFalse();
    assertThat(test("n", "gt", 3.0)).isFalse();
    assertThat(test("n", "lt", 4)).isTrue();
    assertThat(test("n", "lt", 3)).isFalse();
    assertThat(test("ratio", "lt", 1)).isTrue();
    assertThat(test("ratio", "gt", 0.25)).isTrue();
    // not numbers: never
    assertThat(test("topic", "gt", 1)).isFalse();
    assertThat(test("missing", "lt", 1)).isFalse();
    assertThat(test("n", "gt", "1")).isFalse();
  }

  @Test void anUnknownOperatorIsRejected() {
    for (String op : List.of("matches", "EQUALS", "", "gte")) {
      assertThatThrownBy(() -> new Condition("x", op, 1)).as(op).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown condition operator '" + op + "'");
    }
  }

  // ---- AgentGraph.next ----

  private static GraphNode node(String name) {
    return new GraphNode(name, "noop", new JsonObject(), name);
  }

  private static Map<String, GraphNode> nodes(String... names) {
    Map<String, GraphNode> m = new LinkedHashMap<>();
    for (String n : names) m.put(n, node(n));
    return m;
  }

  @Test void theFirstEdgeWhoseConditionHoldsWinsElseTheDefault() {
    AgentGraph g = new AgentGraph("g", "route", nodes("route", "big", "medium", "fallback", "end"), List.of(
        new Edge("route", "big", new Condition("size", "gt", 100)),
        new Edge("route", "medium", new Condition("size", "gt", 10)),
        new Edge("route", "fallback"),
        new Edge("big", "end"), new Edge("medium", "end"), new Edge("fallback", "end")));
    assertThat(g.next("route", new JsonObject().put("size", 500))).as("both hold: the first").isEqualTo("big");
    assertThat(g.next("route", new JsonObject().put("size", 50))).isEqualTo("medium");
    assertThat(g.next("route", new JsonObject().put("size", 5))).isEqualTo("fallback");
    assertThat(g.next("route", new JsonObject())).isEqualTo("fallback");
    assertThat(g.next("big", new JsonObject())).isEqualTo("end");
    assertThat(g.next("end", new JsonObject())).as("no edges: the run ends").isNull();
  }

  @Test void aDefaultDeclaredFirstStillLosesToAConditionThatHolds() {
    AgentGraph g = new AgentGraph("g", "route", nodes("route", "yes", "no"), List.of(
        new Edge("route", "no"),
        new Edge("route", "yes", new Condition("answer", "contains", "yes"))));
    assertThat(g.next("route", new JsonObject().put("answer", "Yes, please"))).isEqualTo("yes");
    assertThat(g.next("route", new JsonObject().put("answer", "nope"))).isEqualTo("no");
  }

  @Test void withoutADefaultTheRunEndsWhenNoConditionHolds() {
    AgentGraph g = new AgentGraph("g", "route", nodes("route", "page"), List.of(
        new Edge("route", "page", new Condition("classify.text", "contains", "urgent"))));
    assertThat(g.next("route", new JsonObject().put("classify", new JsonObject().put("text", "URGENT")))).isEqualTo("page");
    assertThat(g.next("route", new JsonObject().put("classify", new JsonObject().put("text", "normal")))).isNull();
  }

  @Test void conditionsReadTheStateAfterTheNodesOutputIsMerged() {
    GraphNode classify = new GraphNode("classify", "llm", new JsonObject(), "classify");
    Map<String, GraphNode> m = new LinkedHashMap<>();
    m.put("classify", classify);
    m.put("page", node("page"));
    m.put("draft", node("draft"));
    AgentGraph g = new AgentGraph("g", "classify", m, List.of(
        new Edge("classify", "page", new Condition("classify.text", "contains", "urgent")),
        new Edge("classify", "draft"), new Edge("page", "draft")));
    JsonObject state = new JsonObject().put("ticket", "fire");
    JsonObject after = AgentGraph.merge(state, classify, new JsonObject().put("text", "Urgent"));
    assertThat(after.getJsonObject("classify").getString("text")).isEqualTo("Urgent");
    assertThat(state.containsKey("classify")).as("merge copies").isFalse();
    assertThat(g.next("classify", after)).isEqualTo("page");

    GraphNode top = new GraphNode("t", "transform", new JsonObject(), null);
    assertThat(AgentGraph.merge(state, top, new JsonObject().put("x", 1))).isEqualTo(new JsonObject().put("ticket", "fire").put("x", 1));
    assertThat(AgentGraph.merge(state, top, null)).isEqualTo(state);
  }

  @Test void theResultTemplateRendersFromTheFinalState() {
    AgentGraph withTemplate = new AgentGraph("g", "a", nodes("a"), List.of(),
        new JsonObject().put("summary", "{{a.text}}").put("n", "{{n}}"));
    JsonObject state = new JsonObject().put("a", new JsonObject().put("text", "done")).put("n", 2);
    assertThat(withTemplate.result(state)).isEqualTo(new JsonObject().put("summary", "done").put("n", 2));
    AgentGraph without = new AgentGraph("g", "a", nodes("a"), List.of());
    assertThat(without.result(state)).isEqualTo(state);
  }
}
