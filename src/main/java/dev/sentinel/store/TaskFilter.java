package dev.sentinel.store;

/** Listing filters; null means "any". Values were validated as identifiers at the edge. */
public record TaskFilter(String status, String tenantId, String agentType, String taskType) {
  public TaskFilter {
    status = status == null ? "" : status;
    tenantId = tenantId == null ? "" : tenantId;
    agentType = agentType == null ? "" : agentType;
    taskType = taskType == null ? "" : taskType;
  }
}
