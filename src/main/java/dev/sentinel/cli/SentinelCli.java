package dev.sentinel.cli;

import dev.sentinel.client.ApiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;

/**
 * {@code java -jar sentinel.jar cli <command>} (or {@code bin/sentinel <command>}): the API from a
 * terminal, through the client generated from openapi.yaml. Every command takes {@code --url},
 * {@code --api-key} (or SENTINEL_URL, SENTINEL_API_KEY) and {@code --output json}; exit codes are
 * {@link ExitCode}'s.
 */
@Command(name = "sentinel", mixinStandardHelpOptions = true, versionProvider = SentinelCli.Version.class,
    description = "Submit, watch and steer Sentinel tasks.",
    subcommands = {SubmitCommand.class, TasksCommand.class, TaskCommand.class, CancelCommand.class, RetryCommand.class,
        InputCommand.class, ReplayCommand.class, CostsCommand.class, LimitsCommand.class, WorkersCommand.class,
        TopCommand.class})
public final class SentinelCli {

  @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "${env:SENTINEL_URL:-http://127.0.0.1:8080}",
      description = "The API's address (env SENTINEL_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--api-key", scope = ScopeType.INHERIT, defaultValue = "${env:SENTINEL_API_KEY}",
      description = "An API key (env SENTINEL_API_KEY).")
  String apiKey;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "text",
      description = "text or json (one JSON document, for scripts).")
  Output output;

  enum Output { text, json }

  private Terminal terminal = Terminal.system();

  Connection connection() { return new Connection(url, apiKey); }

  Terminal terminal() { return terminal; }

  boolean json() { return output == Output.json; }

  /** Runs one command line; returns its exit code. */
  public static int run(String[] args) {
    return run(args, Terminal.system(), System.err);
  }

  /** @param err where errors and usage go (picocli's usage help on a bad command line included) */
  static int run(String[] args, Terminal terminal, java.io.PrintStream err) {
    SentinelCli root = new SentinelCli();
    root.terminal = terminal;
    CommandLine cli = new CommandLine(root).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExitCodeExceptionMapper(SentinelCli::exitCodeOf);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("sentinel: " + describe(e, root.url));
      return exitCodeOf(e);
    });
    return cli.execute(args);
  }

  private static int exitCodeOf(Throwable e) {
    if (e instanceof CommandLine.ParameterException) return ExitCode.USAGE;
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (cause instanceof ApiException api) {
      int code = api.getCode();
      if (code == 401 || code == 403 || code == 404) return ExitCode.NOT_FOUND_OR_DENIED;
      if (code >= 400 && code < 500) return ExitCode.USAGE;
      return ExitCode.UNAVAILABLE;
    }
    if (cause instanceof ConnectException || cause instanceof IOException) return ExitCode.UNAVAILABLE;
    if (cause instanceof IllegalArgumentException) return ExitCode.USAGE;
    return ExitCode.TASK_FAILED;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper PROBLEM_READER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The server's problem+json detail when there is one: it names the field or the reason. */
  private static String describe(Throwable e, String url) {
    if (e instanceof ApiException api) {
      if (api.getCode() == 0) return "cannot reach " + url + ": " + api.getMessage();
      String body = api.getResponseBody();
      try {
        var problem = PROBLEM_READER.readTree(body == null ? "" : body);
        String detail = problem.path("detail").asText(problem.path("title").asText(""));
        StringBuilder s = new StringBuilder(api.getCode() + " " + detail);
        for (var err : problem.path("errors")) s.append("\n  ").append(err.path("field").asText()).append(": ")
            .append(err.path("message").asText());
        return s.toString();
      } catch (IOException notJson) {
        return api.getCode() + " " + (body == null ? "" : body);
      }
    }
    if (e instanceof ConnectException) return "cannot reach " + url + ": " + e;
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The version the jar was built as (build.properties). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() throws IOException {
      var p = new java.util.Properties();
      try (var in = SentinelCli.class.getResourceAsStream("/build.properties")) {
        if (in != null) p.load(in);
      }
      return new String[] {"sentinel " + p.getProperty("version", "unknown")};
    }
  }
}
