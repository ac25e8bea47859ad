package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * A validated replay: a new task {@code id} forked from {@code parentId} after its step
 * {@code fromStep} (0: from the initial state), with {@code params} as its task_params (the
 * caller overlaid the request's on the parent's). totalSteps, trace and agentVersion as in {@link NewTask}.
 */
public record NewReplay(String parentId, String id, int fromStep, JsonObject params, Integer totalSteps, String trace,
                        String agentVersion) {}
