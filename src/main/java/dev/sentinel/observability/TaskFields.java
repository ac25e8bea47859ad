package dev.sentinel.observability;

/**
 * What identifies a log line about a task. It travels as the log record's parameter (see
 * {@link TaskLog}), so the JSON format writes it as fields and the human format ignores it.
 * {@code traceId} is null when the task carries no trace (tracing was off at its submission).
 */
public record TaskFields(String taskId, String tenantId, long epoch, String workerId, String traceId) {}
