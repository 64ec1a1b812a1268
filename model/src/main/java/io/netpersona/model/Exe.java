package io.netpersona.model;

/** An executable by file name and, optionally, the sha256 of its contents (64 hex digits). */
public record Exe(String name, String sha256) {}
