package dev.sentinel.http.fuzz;

import java.util.List;

/**
 * What a fuzz test put into Redis through the API before it starts, for requests to aim at:
 * tasks of two tenants (acme and globex), acme's tenant key and its id, and the admin key.
 */
public record SeededData(String adminKey, List<String> acmeTasks, List<String> otherTasks, String tenantKey,
                         String tenantKeyId) {

  public SeededData {
    acmeTasks = List.copyOf(acmeTasks);
    otherTasks = List.copyOf(otherTasks);
  }
}
