package io.streamreplay.dbserver.schema;

/** Whether a reference keeps its target alive ({@code strong}) or is dropped when the target goes ({@code weak}). */
public enum RefType {
    STRONG, WEAK
}
