package dev.sentinel.testing;

import dev.sentinel.client.ApiClient;
import dev.sentinel.client.api.OperationsApi;
import dev.sentinel.client.api.TasksApi;
import dev.sentinel.client.api.TenantsApi;

/**
 * The client generated from openapi.yaml, aimed at a node under test: end-to-end tests call the
 * API through it, so a contract change that breaks generated clients breaks them. (Tests that
 * send what no client would, malformed or hostile requests, keep {@link Http}.)
 */
public final class GeneratedClient {

  private final ApiClient client = new ApiClient();

  public GeneratedClient(int port) {
    client.updateBaseUri("http://127.0.0.1:" + port);
  }

  public TasksApi tasks() { return new TasksApi(client); }

  public TenantsApi tenants() { return new TenantsApi(client); }

  public OperationsApi operations() { return new OperationsApi(client); }
}
