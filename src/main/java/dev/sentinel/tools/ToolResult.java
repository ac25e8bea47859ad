package dev.sentinel.tools;

/**
 * What a tool answered, as the text the model reads; {@code error} true when the tool reported a
 * failure of its own (the model is told and may try otherwise, the step still commits).
 */
public record ToolResult(String text, boolean error) {}
