package dev.sentinel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sentinel.client.ApiClient;
import dev.sentinel.client.api.AgentsApi;
import dev.sentinel.client.api.OperationsApi;
import dev.sentinel.client.api.TasksApi;
import dev.sentinel.client.api.TenantsApi;

import java.net.URI;
import java.time.Duration;

/**
 * The server a command talks to, through the client generated from openapi.yaml. The key goes
 * in {@code Authorization: Bearer}; none is sent when none is given (a node without keys).
 */
final class Connection {

  private final ApiClient client;
  private final URI base;
  private final String apiKey;

  Connection(String url, String apiKey) {
    this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    this.client = new ApiClient();
    client.updateBaseUri(base.toString());
    client.setConnectTimeout(Duration.ofSeconds(5));
    client.setReadTimeout(Duration.ofSeconds(30));
    if (this.apiKey != null) client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + this.apiKey));
  }

  TasksApi tasks() { return new TasksApi(client); }

  TenantsApi tenants() { return new TenantsApi(client); }

  OperationsApi operations() { return new OperationsApi(client); }

  AgentsApi agents() { return new AgentsApi(client); }

  ObjectMapper json() { return client.getObjectMapper(); }

  URI base() { return base; }

  /** The key, or null: the event stream is read without the generated client (it is not JSON). */
  String apiKey() { return apiKey; }
}
