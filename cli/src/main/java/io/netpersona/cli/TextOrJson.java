package io.netpersona.cli;

/** Output of commands that print for people by default. */
enum TextOrJson { text, json }
